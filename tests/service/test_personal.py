"""Personal settings live beside the user, not in the team database, and never block a start."""

from __future__ import annotations

from cspm.service import personal


def test_a_chosen_owner_survives_and_can_be_cleared() -> None:
    assert personal.my_owner() is None
    personal.set_personal(personal.ME, "  Dana Lee ")
    assert personal.my_owner() == "Dana Lee"
    personal.set_personal(personal.ME, None)
    assert personal.my_owner() is None


def test_a_damaged_file_reads_as_nothing_chosen() -> None:
    folder = personal.config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / personal.FILE_NAME).write_text("{not json", encoding="utf-8")
    assert personal.load_personal() == {}
    personal.set_personal(personal.USER, "Sam")  # and saving repairs it
    assert personal.current_user() == "Sam"


def test_changes_are_recorded_under_the_login_name_by_default() -> None:
    import getpass

    assert personal.current_user() == getpass.getuser()

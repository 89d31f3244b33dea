"""Report writers: given data, write files (xlsx, pdf, csv). No SQLAlchemy, no service.

- `workbook.write_workbook(path, WorkbookData)` and `workbook.write_tasks_xlsx(path, tasks)`
- `qbr_pdf.write_qbr_pdf(path, [QbrAccount], audience="customer"|"internal", portfolio=...,
  page_size=..., generated_on=...)`: the customer's pages from `qbr_customer` (+ `qbr_words`),
  the internal review from `qbr_html`
- `csv_report.write_csv(path, frame)`
- `charts`: matplotlib Figure builders shared by the window and the PDF
- `data`: the input dataclasses; `sample`: made-up inputs for previews, benchmarks and tests

Every writer escapes formula-like text (`cells`) and writes atomically (`safe_write`).
Modules are imported on use so a CSV export never loads Qt.
"""

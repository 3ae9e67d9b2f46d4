"""reportgen: provincial Sở Công Thương reports from structured indicators.

The package is grouped by the stages a report flows through, each importing only the stages
below it (tests/test_imports.py checks this): the base modules (`errors`, `vnformat`, `typography`, `frame`,
`project`, `fileio`) < `data` (load, model, validate) < `document` (typed document, HTML reader) <
`render` (templates, appendix, charts) < `writers` (HTML, PDF, DOCX) < `build` (the pipeline
to disk) < `publish` (sign and verify a built PDF) < `authoring` (scaffold, spreadsheet, schema, preview) < the CLI (`cli`, `commands`).
"""
__version__ = "0.1.0"

"""Stage 6, authoring: tools for the people who write data and templates.

Holds `reportgen new` (scaffold), the spreadsheet export and import, the JSON schemas and the
live preview. May import every stage below it (base, `data`, `document`, `render`, `writers`,
`build`); never the CLI.
"""

"""Stage 2, document: the one typed document every writer draws, and the reader that makes it.

Holds the document types (blocks, inlines, meta) and the reader that turns the restricted
semantic HTML of the templates into a `Document`. May import the base modules and
`reportgen.data`; never the render, writer, build, authoring or CLI stages.
"""

"""Stage 3, render: the model through the (sandboxed) Jinja templates into restricted HTML.

Holds the template environment (templates served from the sources read at load time), the
context, the static checks, the translation of Jinja's errors, the appendix rows and the
charts. Works only
from the model it is given (no file of `data/` is read here). May import the base modules,
`reportgen.data` (model types) and `reportgen.document`; never writers, build, authoring or
the CLI.
"""

"""`python -m reportgen …` runs the same command line as the `reportgen` script."""
from .cli import main

if __name__ == "__main__":
    main(prog_name="reportgen")

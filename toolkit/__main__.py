"""``python -m toolkit`` is the same as the ``h2gender`` command."""
from toolkit.cli import run

if __name__ == "__main__":
    run()

"""``python -m newswatch``: the ``newswatch`` command, for when its script is not on PATH."""

from .cli import main

if __name__ == "__main__":
    main()

"""`python -m pyrules` runs the CLI."""

from pyrules.cli import main

main()

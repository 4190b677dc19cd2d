"""The reference point for start-up: a minimal two-command Typer app (issue 7)."""

import typer

app = typer.Typer()


@app.command()
def add(name: str = typer.Option("", "--name")) -> None:
    print(name)


@app.command()
def show() -> None:
    print("show")


if __name__ == "__main__":
    app()

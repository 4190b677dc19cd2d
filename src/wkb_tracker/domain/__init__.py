"""What the notice means: records, policy, dates, rectification history, compliance.

Pure logic: imports nothing from store, report or cli, and never yaml, typer, click or rich.
"""

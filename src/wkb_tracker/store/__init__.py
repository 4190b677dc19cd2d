"""Where records live: paths, YAML and TOML files, the cache, sealing, git.

Imports domain; never report or cli.
"""

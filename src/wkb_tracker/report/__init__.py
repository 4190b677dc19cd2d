"""What people receive: the public JSON views and the output formats.

Imports domain; never store or cli.
"""

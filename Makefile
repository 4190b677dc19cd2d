# Shortcuts for those who have make; tasks.py does the work and needs only Python.
PY ?= python3
.PHONY: demo test lint bench
demo:
	$(PY) tasks.py demo
test:
	$(PY) tasks.py test
lint:
	$(PY) tasks.py lint
bench:
	$(PY) tasks.py bench

"""The floor for `wkb validate`: a bare loop parsing every record file with CSafeLoader."""

import os
import sys

import yaml

root = sys.argv[1]
count = 0
for top in ("data/visits", "data/rectifications"):
    for folder, _dirs, names in os.walk(os.path.join(root, top)):
        for name in names:
            if name.endswith(".yaml"):
                with open(os.path.join(folder, name), "rb") as stream:
                    yaml.load(stream.read(), Loader=yaml.CSafeLoader)
                count += 1
print(count)

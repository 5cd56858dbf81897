"""What Python's configparser makes of each file named on the command line, as JSON lines.

OfflineIMAP reads its file with `configparser.ConfigParser()` and its defaults
(`offlineimap/CustomConfig.py`, offlineimap3 v8.0.1). This prints, per file, either the
error that stops the reading (its class and line) or every section with every key (DEFAULT
included, as `parser[section]` shows them), the raw value and the interpolated one (or the
class of the interpolation error). It evaluates nothing in the files.
"""

import configparser
import json
import sys


def describe(path):
    parser = configparser.ConfigParser()
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as handle:
            parser.read_file(handle, source=path)
    except configparser.MissingSectionHeaderError as error:
        return {"error": type(error).__name__, "line": error.lineno}
    except configparser.ParsingError as error:
        return {"error": type(error).__name__, "line": error.errors[0][0]}
    except configparser.Error as error:
        return {"error": type(error).__name__, "line": getattr(error, "lineno", None)}
    sections = {}
    for name in parser.sections():
        keys = {}
        for key in parser[name]:
            raw = parser.get(name, key, raw=True)
            try:
                value = parser.get(name, key)
            except configparser.Error as error:
                value = "!" + type(error).__name__
            keys[key] = [raw, value]
        sections[name] = keys
    return {"sections": sections}


for path in sys.argv[1:]:
    print(json.dumps({"path": path, "result": describe(path)}))

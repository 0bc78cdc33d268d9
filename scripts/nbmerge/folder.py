# SPDX-License-Identifier: MIT
"""One results folder of `nestbench run`, as a merge needs it: run.json,
plan.json, env.json and the raw Google Benchmark files, read strictly (a
merge refuses what it cannot read; the report, which renders whatever is
there, reads with scripts/nbreport/results.py)."""
import glob
import json
import os


class MergeError(Exception):
    """Folders that cannot be merged as given: the message says which and why."""


def read_json(path, what):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise MergeError("%s is missing (%s)" % (path, what))
    except (OSError, UnicodeDecodeError) as e:
        raise MergeError("%s cannot be read: %s" % (path, e))
    except json.JSONDecodeError as e:
        raise MergeError("%s is not valid JSON (%s at line %d column %d)"
                         % (path, e.msg, e.lineno, e.colno))


class Folder:
    def __init__(self, path, need_plan=True):
        if not os.path.isdir(path):
            raise MergeError("%s is not a folder" % path)
        self.path = path
        self.run = read_json(os.path.join(path, "run.json"), "the run's status")
        if not isinstance(self.run, dict) or not isinstance(self.run.get("families"), list):
            raise MergeError("%s/run.json has no \"families\" list: not a results folder of "
                             "`nestbench run`" % path)
        self.plan = None
        if need_plan or os.path.exists(os.path.join(path, "plan.json")):
            self.plan = read_json(os.path.join(path, "plan.json"),
                                  "the run's selection; a folder of a nestbench from before "
                                  "sharding cannot be merged")
        env = os.path.join(path, "env.json")
        self.env = read_json(env, "environment") if os.path.exists(env) else {}
        self.raw = {os.path.splitext(os.path.basename(p))[0]: p
                    for p in sorted(glob.glob(os.path.join(path, "raw", "*.json")))}
        self.logs = {os.path.splitext(os.path.basename(p))[0]: p
                     for p in sorted(glob.glob(os.path.join(path, "raw", "*.log")))}

    @property
    def shard(self):
        s = self.run.get("shard")
        return (s["index"], s["count"]) if isinstance(s, dict) else None

    def family_status(self):
        """{family: run.json entry}"""
        return {f["name"]: f for f in self.run["families"]
                if isinstance(f, dict) and isinstance(f.get("name"), str)}

    def planned(self):
        """{family: [(position in its listing, name)]} this folder ran."""
        out = {}
        for f in (self.plan or {}).get("families", []):
            out[f["name"]] = [(b[0], b[1]) for b in f.get("benchmarks", [])]
        return out

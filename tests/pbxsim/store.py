"""SQLite-backed document store for the simulator.

Every platform keeps its objects as JSON documents in named collections
("sipxcom.users", "portsip.tenants", ...).  Reads are served from an
in-memory copy, writes go through to SQLite immediately, so state survives a
restart and reads stay fast enough that the simulator is never the bottleneck.

Documents handed out by ``get``/``all`` are the live cached objects: treat them
as read-only and call ``put`` with a changed copy to modify one.
"""

import copy
import json
import sqlite3
import threading


class Store:
    def __init__(self, path):
        self.path = path
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS docs ("
            " coll TEXT NOT NULL, id TEXT NOT NULL, pos INTEGER NOT NULL, body TEXT NOT NULL,"
            " PRIMARY KEY (coll, id))"
        )
        self._db.execute("CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)")
        self._docs = {}
        self._pos = 0
        for coll, doc_id, pos, body in self._db.execute("SELECT coll, id, pos, body FROM docs ORDER BY pos"):
            self._docs.setdefault(coll, {})[doc_id] = json.loads(body)
            self._pos = max(self._pos, pos)
        self._counters = dict(self._db.execute("SELECT name, value FROM counters"))

    # -- reads -------------------------------------------------------------
    def all(self, coll):
        """Documents of a collection in creation order."""
        return list(self._docs.get(coll, {}).values())

    def items(self, coll):
        return list(self._docs.get(coll, {}).items())

    def get(self, coll, doc_id):
        return self._docs.get(coll, {}).get(str(doc_id))

    def find(self, coll, **equal):
        return [d for d in self.all(coll) if all(d.get(k) == v for k, v in equal.items())]

    def find_one(self, coll, **equal):
        for doc in self.all(coll):
            if all(doc.get(k) == v for k, v in equal.items()):
                return doc
        return None

    def count(self, coll):
        return len(self._docs.get(coll, {}))

    def copy(self, coll, doc_id):
        doc = self.get(coll, doc_id)
        return copy.deepcopy(doc) if doc is not None else None

    # -- writes ------------------------------------------------------------
    def put(self, coll, doc_id, doc):
        doc_id = str(doc_id)
        with self._lock:
            bucket = self._docs.setdefault(coll, {})
            if doc_id in bucket:
                pos = None
            else:
                self._pos += 1
                pos = self._pos
            bucket[doc_id] = doc
            body = json.dumps(doc, separators=(",", ":"))
            if pos is None:
                self._db.execute("UPDATE docs SET body=? WHERE coll=? AND id=?", (body, coll, doc_id))
            else:
                self._db.execute("INSERT INTO docs (coll, id, pos, body) VALUES (?,?,?,?)", (coll, doc_id, pos, body))
        return doc

    def delete(self, coll, doc_id):
        doc_id = str(doc_id)
        with self._lock:
            doc = self._docs.get(coll, {}).pop(doc_id, None)
            if doc is not None:
                self._db.execute("DELETE FROM docs WHERE coll=? AND id=?", (coll, doc_id))
        return doc

    def next_id(self, name, start=1):
        """Next value of a named sequence (never reused, survives restarts)."""
        with self._lock:
            value = self._counters.get(name, start - 1) + 1
            self._counters[name] = value
            self._db.execute("INSERT OR REPLACE INTO counters (name, value) VALUES (?, ?)", (name, value))
        return value

    def clear(self, prefix=None):
        """Forget every document (and sequence) whose collection starts with prefix."""
        with self._lock:
            if prefix is None:
                self._docs.clear()
                self._counters.clear()
                self._db.execute("DELETE FROM docs")
                self._db.execute("DELETE FROM counters")
            else:
                for coll in [c for c in self._docs if c.startswith(prefix)]:
                    del self._docs[coll]
                for name in [n for n in self._counters if n.startswith(prefix)]:
                    del self._counters[name]
                self._db.execute("DELETE FROM docs WHERE coll LIKE ?", (prefix + "%",))
                self._db.execute("DELETE FROM counters WHERE name LIKE ?", (prefix + "%",))

    def close(self):
        with self._lock:
            self._db.close()

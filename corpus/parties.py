"""The party registry: canonical parties and every surface form that stands for them.

The registry is data (``data/parties.json``); users extend it with their own file of the
same shape, so that new disputes need no code change.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from corpus.paths import PARTIES_FILE
from corpus.schema import CorpusError

UNKNOWN_PARTY = "其他"


@dataclass(frozen=True)
class Party:
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    products: tuple[str, ...] = ()

    def surface_forms(self) -> tuple[str, ...]:
        """Every string that refers to this party, its canonical name first."""
        return (self.name, *self.aliases, *self.people, *self.products)


@dataclass
class PartyRegistry:
    parties: dict[str, Party] = field(default_factory=dict)

    @property
    def names(self) -> set[str]:
        return set(self.parties)

    def mentions(self) -> dict[str, str]:
        """Map each surface form to its canonical party (later files override earlier ones)."""
        return {form: p.name for p in self.parties.values() for form in p.surface_forms()}

    def resolve(self, mention: str) -> str | None:
        """The canonical party a mention stands for, or None when the registry does not know it."""
        return self.mentions().get(mention)

    def extend(self, other: "PartyRegistry") -> "PartyRegistry":
        """A new registry with ``other``'s parties added; a party named in both gets merged forms."""
        merged = dict(self.parties)
        for name, party in other.parties.items():
            if name in merged:
                old = merged[name]
                party = Party(
                    name, party.kind or old.kind,
                    _union(old.aliases, party.aliases),
                    _union(old.people, party.people),
                    _union(old.products, party.products),
                )
            merged[name] = party
        return PartyRegistry(merged)


def _union(a: Iterable[str], b: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*a, *b]))


def read_registry(path: str | os.PathLike) -> PartyRegistry:
    """Read one registry file, naming the file on any error."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as error:
        raise CorpusError(path, error.lineno, f"malformed JSON: {error.msg}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CorpusError(path, None, f"cannot read party registry: {error}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("parties"), dict):
        raise CorpusError(path, None, 'a party registry is an object with a "parties" object')
    parties = {}
    for name, entry in raw["parties"].items():
        if not isinstance(entry, dict):
            raise CorpusError(path, None, f"party {name!r}: expected an object")
        lists = {}
        for key in ("aliases", "people", "products"):
            value = entry.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise CorpusError(path, None, f"party {name!r}: {key!r} must be a list of strings")
            lists[key] = tuple(value)
        parties[name] = Party(name, str(entry.get("kind", "other")), **lists)
    return PartyRegistry(parties)


def registry_json(registry: PartyRegistry, description: str = "") -> dict:
    """A registry in its file format, so that a written registry can be edited and read back."""
    parties = {p.name: {"kind": p.kind, "aliases": list(p.aliases), "people": list(p.people), "products": list(p.products)}
               for p in registry.parties.values()}
    return {"description": description, "parties": parties} if description else {"parties": parties}


def load_registry(*extra: str | os.PathLike) -> PartyRegistry:
    """The default registry extended by the user's files, in order."""
    registry = read_registry(PARTIES_FILE)
    for path in extra:
        registry = registry.extend(read_registry(path))
    return registry

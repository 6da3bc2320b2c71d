"""Compare our `kafka_api!` declarations with Apache Kafka's message schemas.

For every API declared in src/protocol/messages/*.rs, reads the schema JSON of its request and
response and reports where the declaration differs: the max version, the first flexible version,
and per field (walking nested structs) the field list and order, the versions, the nullable
versions, the tag, the type. Differences in `ignorable` and in defaults are reported with
`--info`. Field names are compared in snake case, so a deliberate rename shows as a difference.

The schemas are in kafka-clients' jar::

    mkdir -p /tmp/schemas && cd /tmp/schemas && \\
        unzip -o -q .cache/kafka-4.4.0/libs/kafka-clients-4.4.0.jar 'common/message/*.json'
    python scripts/check_declarations.py --schemas /tmp/schemas/common/message

The declarations are read with regular expressions, not a Rust parser: it understands the DSL as
`cargo fmt` leaves it (see src/protocol/declare.rs), nothing more.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

MAX = 32767
SCALARS = {
    'int8': 'i8', 'int16': 'i16', 'int32': 'i32', 'int64': 'i64', 'uint16': 'u16', 'uint32': 'u32',
    'bool': 'bool', 'string': 'String', 'bytes': 'Bytes', 'records': 'Bytes', 'uuid': '[u8; 16]',
    'float64': 'f64',
}
ARROW = '\u21d2'  # `=>` in a field, replaced so that its `>` does not close a generic


def load_schema(path: Path) -> dict[str, Any]:
    return json.loads(re.sub(r'^\s*//.*$', '', path.read_text(), flags=re.MULTILINE))


def version_range(text: str | None) -> tuple[int, int] | None:
    if text is None or text == 'none':
        return None
    text = text.strip()
    if text.endswith('+'):
        return int(text[:-1]), MAX
    if '-' in text:
        lo, hi = text.split('-')
        return int(lo), int(hi)
    return int(text), int(text)


def split_top(text: str) -> list[str]:
    """Splits on commas outside brackets."""
    out, depth, cur = [], 0, ''
    for c in text:
        if c in '(<[{':
            depth += 1
        elif c in ')>]}':
            depth -= 1
        if c == ',' and depth == 0:
            out.append(cur)
            cur = ''
        else:
            cur += c
    if cur.strip():
        out.append(cur)
    return out


def parse_spec(spec: str | None) -> dict[str, Any]:
    spec = (spec or 'always()').replace(' ', '')
    m = re.match(r'(always|since|until|versions|nullable)\(([^)]*)\)(.*)', spec)
    if not m:
        raise ValueError(f'unknown spec {spec}')
    base, args, rest = m.groups()
    nums = [int(x) for x in args.split(',') if x]
    lo, hi, nullable_from, tag, ignorable = 0, MAX, None, None, False
    if base == 'since':
        lo = nums[0]
    elif base == 'until':
        hi = nums[0]
    elif base == 'versions':
        lo, hi = nums
    elif base == 'nullable':
        nullable_from = 0
    for modifier, arg in re.findall(r'\.(\w+)\(([^)]*)\)', rest):
        if modifier == 'nullable':
            nullable_from = lo
        elif modifier == 'nullable_since':
            nullable_from = int(arg)
        elif modifier == 'tag':
            tag = int(arg)
        elif modifier == 'ignorable':
            ignorable = True
    return {'min': lo, 'max': hi, 'nullable_from': nullable_from, 'tag': tag, 'ignorable': ignorable}


def parse_declarations(path: Path) -> tuple[dict[str, list[dict[str, Any]]], list[tuple[str, ...]]]:
    src = re.sub(r'//[^\n]*', '', path.read_text())
    structs: dict[str, list[dict[str, Any]]] = {}
    for m in re.finditer(r'pub struct (\w+)\s*\{', src):
        i = j = m.end()
        depth = 1
        while depth:
            depth += {'{': 1, '}': -1}.get(src[j], 0)
            j += 1
        body = re.sub(r'#\[[^\]]*\]', '', src[i:j - 1]).replace('=>', ARROW)
        fields = []
        for raw in split_top(body):
            text = ' '.join(raw.split())
            fm = re.match(rf'(\w+)\s*:\s*([^={ARROW}]+?)(?:\s*=\s*([^{ARROW}]*?))?(?:\s*{ARROW}\s*(.*))?$', text)
            if not fm or text.startswith('pub '):
                continue
            name, ty, default, spec = fm.groups()
            fields.append({'name': name, 'ty': ty.strip(), 'default': default, **parse_spec(spec)})
        structs[m.group(1)] = fields
    apis = re.findall(
        r'(\w+)\s*:\s*(\w+)\s*=>\s*(\w+),\s*versions\s*(\d+)\.\.=(\d+),\s*(?:client\s*\.\.=\s*\d+,\s*)?'
        r'flexible\s*(\w+)',
        src,
    )
    return structs, apis


def snake(name: str) -> str:
    return re.sub(r'(?<=[a-z0-9])([A-Z])', r'_\1', name).lower()


class Checker:
    def __init__(self, info: bool, everywhere: dict[str, list[dict[str, Any]]]) -> None:
        self.info = info
        self.problems: list[str] = []
        # Every file's structs: a declaration may use one declared in another file.
        self.everywhere = everywhere

    def report(self, text: str, info: bool = False) -> None:
        if self.info or not info:
            self.problems.append(text)

    def fields(self, schema: list[dict[str, Any]], ours: list[dict[str, Any]],
               structs: dict[str, list[dict[str, Any]]], lo: int, hi: int,
               commons: dict[str, list[dict[str, Any]]], ctx: str) -> None:
        present = []
        for f in schema:
            fr = version_range(f['versions'])
            if fr is None:
                continue
            a, b = max(fr[0], lo), min(fr[1], hi)
            if a <= b:
                present.append((f, a, b))
        names = [snake(f['name']) for f, _, _ in present]
        if names != [o['name'] for o in ours]:
            self.report(f'{ctx}: fields differ\n   schema {names}\n   ours   {[o["name"] for o in ours]}')
        by_name = {o['name']: o for o in ours}
        for f, a, b in present:
            name = snake(f['name'])
            o = by_name.get(name)
            if o is None:
                continue
            self.field(f, a, b, o, structs, lo, hi, commons, f'{ctx}.{name}')

    def field(self, f: dict[str, Any], a: int, b: int, o: dict[str, Any],
              structs: dict[str, list[dict[str, Any]]], lo: int, hi: int,
              commons: dict[str, list[dict[str, Any]]], ctx: str) -> None:
        oa, ob = max(o['min'], lo), min(o['max'], hi)
        if (oa, ob) != (a, b):
            self.report(f'{ctx}: versions schema {a}-{b} ours {oa}-{ob}')
        tag = f.get('tag')
        if tag != o['tag']:
            self.report(f'{ctx}: tag schema {tag} ours {o["tag"]}')
        nr = version_range(f.get('nullableVersions'))
        schema_null = None
        if nr and max(nr[0], a) <= min(nr[1], b):
            schema_null = max(nr[0], a)
            if min(nr[1], b) < b:
                self.report(f'{ctx}: nullable versions {nr} end before the field does')
        ours_null = o['nullable_from']
        if ours_null is not None:
            ours_null = max(ours_null, oa)
            if ours_null > ob:
                ours_null = None
        if schema_null != ours_null:
            self.report(f'{ctx}: nullable schema from {schema_null} ours from {ours_null}')
        if bool(f.get('ignorable')) != o['ignorable'] and tag is None:
            self.report(f'{ctx}: ignorable schema {bool(f.get("ignorable"))} ours {o["ignorable"]}', info=True)
        default = str(f.get('default', '')).lower()
        if default not in ('', 'null', 'false', '0') and o['default'] is None:
            self.report(f'{ctx}: default schema {f["default"]!r}, ours none', info=True)
        ty = o['ty']
        inner = ty[7:-1] if ty.startswith('Option<') else ty
        if schema_null is not None and not ty.startswith('Option<') and tag is None:
            self.report(f'{ctx}: nullable but declared {ty}')
        kind = f['type']
        if kind.startswith('[]'):
            if not inner.startswith('Vec<'):
                self.report(f'{ctx}: array declared {ty}')
                return
            kind, inner = kind[2:], inner[4:-1]
        if kind in SCALARS:
            if SCALARS[kind] != inner:
                self.report(f'{ctx}: type {kind} declared {ty}')
            return
        nested = f.get('fields') or commons.get(kind)
        declared = structs.get(inner) or self.everywhere.get(inner)
        if declared is None:
            self.report(f'{ctx}: struct {inner} not found')
        elif nested is not None:
            self.fields(nested, declared, structs, a, b, commons, f'{ctx}({inner})')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--schemas', type=Path, default=Path('/tmp/schemas/common/message'))
    parser.add_argument('--info', action='store_true', help='also report ignorable and default differences')
    parser.add_argument('files', nargs='*', type=Path)
    args = parser.parse_args()
    files = args.files or sorted(Path('src/protocol/messages').glob('*.rs'))
    parsed = {path: parse_declarations(path) for path in files}
    everywhere = {name: fields for structs, _ in parsed.values() for name, fields in structs.items()}
    checker = Checker(args.info, everywhere)
    for path, (structs, apis) in parsed.items():
        for key, req, resp, lo, hi, flex in apis:
            for ours, schema_name in ((req, key + 'Request'), (resp, key + 'Response')):
                schema_path = args.schemas / f'{schema_name}.json'
                if not schema_path.exists():
                    checker.report(f'{path}: no schema {schema_name}')
                    continue
                schema = load_schema(schema_path)
                commons = {c['name']: c['fields'] for c in schema.get('commonStructs', [])}
                valid = version_range(schema['validVersions'])
                flexible = version_range(schema.get('flexibleVersions'))
                if valid is None:
                    continue
                if int(hi) != valid[1]:
                    checker.report(f'{schema_name}: declared up to {hi}, schema {valid[1]}')
                if (flex == 'none') != (flexible is None) or (flexible and int(flex) != flexible[0]):
                    checker.report(f'{schema_name}: flexible from {flex}, schema {flexible}')
                checker.fields(schema['fields'], structs[ours], structs, int(lo), int(hi), commons,
                               schema_name)
    print('\n'.join(checker.problems) or 'no differences')
    return 1 if checker.problems else 0


if __name__ == '__main__':
    sys.exit(main())

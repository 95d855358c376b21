"""Validates goAML reports against the UNODC goAML 5.0.2 schema with an XSD 1.1 validator.

The schema's 27 patterns are written `^...$`; XSD regular expressions are implicitly anchored
and read `^` and `$` as literal characters, so they are validated against a copy with those two
characters removed from each pattern. The sample reports published beside the schema must
validate against that copy first (a check that the copy is right), then every report named.

usage: validate.py SCHEMA SAMPLE_DIR REPORT...
"""
import re
import sys
import tempfile
from pathlib import Path

import xmlschema

EXPECTED_PATTERNS = 27


def unanchored(schema_text):
    count = 0

    def strip(match):
        nonlocal count
        value = match.group(1)
        if "^" in value or "$" in value:
            count += 1
            value = value.replace("^", "").replace("$", "")
        return '<xs:pattern value="%s"' % value

    text = re.sub(r'<xs:pattern value="([^"]*)"', strip, schema_text)
    return text, count


def main():
    schema_path, sample_dir, reports = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
    text, count = unanchored(schema_path.read_text(encoding="utf-8"))
    if count != EXPECTED_PATTERNS:
        sys.exit(f"{schema_path}: {count} anchored patterns, expected {EXPECTED_PATTERNS}")
    with tempfile.TemporaryDirectory() as work:
        copy = Path(work) / "goAMLSchema.unanchored.xsd"
        copy.write_text(text, encoding="utf-8")
        schema = xmlschema.XMLSchema11(str(copy))
    samples = sorted(sample_dir.glob("*.xml"))
    if not samples:
        sys.exit(f"{sample_dir}: no sample report")
    failed = 0
    for path in samples + [Path(r) for r in reports]:
        errors = list(schema.iter_errors(str(path)))
        if errors:
            failed += 1
            print(f"INVALID {path}: {errors[0].reason} at {errors[0].path}")
    print(f"{len(samples)} published samples and {len(reports)} reports checked, {failed} invalid")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# goAML reports made by `cordon report goaml --transfer` from every shared public payment sample,
# validated against the UNODC goAML 5.0.2 schema (../shared/data/goaml/vyttah/goAMLSchema.xsd)
# with Python's xmlschema (XSD 1.1), installed from PyPI in a venv. A file Cordon cannot read
# whole must be refused with exit 2 and no report written.
# Needs: python3 with venv, PyPI; reuses target/debug/cordon.
set -euo pipefail
cd "$(dirname "$0")/.."

XMLSCHEMA_VERSION="${XMLSCHEMA_VERSION:-4.3.2}"
GOAML="../shared/data/goaml/vyttah"
PAYMENTS="../shared/data/payments/public"
# Every folder of transfer messages (statements, status reports and MT940/910 carry none).
FOLDERS=(pacs008 pacs009 pain001 pacs004 mt103 mt202 mt202cov)
# Files that hold an unreadable transaction (named, with the reason, in the CLI's error).
REFUSED=(pacs008/coreum_pacs008-4_v09_Message_wrapper.xml)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
[ -x target/debug/cordon ] || cargo build --quiet -p cordon
cordon="$(pwd)/target/debug/cordon"
venv="${GOAML_VENV:-$work/venv}"
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/pip" install --quiet --disable-pip-version-check "xmlschema==$XMLSCHEMA_VERSION"

export CORDON_DATA_DIR="$work/data"
reports=()
for folder in "${FOLDERS[@]}"; do
    for file in "$PAYMENTS/$folder"/*; do
        name="$folder/$(basename "$file")"
        out="$work/$(basename "$file").goaml.xml"
        status=0
        "$cordon" report goaml --transfer "$file" --reason "Test report of a public payment sample" \
            --config tests/goaml/entity.toml --out "$out" >/dev/null 2>"$work/err" || status=$?
        if [[ " ${REFUSED[*]} " == *" $name "* ]]; then
            if [ "$status" -ne 2 ] || [ -e "$out" ]; then
                echo "goaml.sh: $name: expected exit 2 and no report, got $status"; exit 1
            fi
            echo "refused as expected: $(cat "$work/err")"
        elif [ "$status" -ne 0 ]; then
            echo "goaml.sh: $name: exit $status: $(cat "$work/err")"; exit 1
        else
            reports+=("$out")
        fi
    done
done
# Each report is audited: one goaml_report entry per report made.
audited=$("$cordon" audit show --limit 1000 | grep -c '"kind":"goaml_report"' || true)
echo "reports made: ${#reports[@]}; goaml_report audit entries: $audited"
if [ "$audited" -ne "${#reports[@]}" ]; then echo "goaml.sh: $audited audit entries for ${#reports[@]} reports"; exit 1; fi
"$venv/bin/python" tests/goaml/validate.py "$GOAML/goAMLSchema.xsd" "$GOAML" "${reports[@]}"

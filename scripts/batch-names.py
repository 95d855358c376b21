"""The batch benchmark's input: ROWS rows `id,name,dob,country` of two random name forms from
persons_rigour, seeded, so that every run and every script screens the same names.
Usage: python3 scripts/batch-names.py PERSONS_RIGOUR_FILE ROWS > batch.csv
Used by scripts/bench-e2e.sh and scripts/matcher-instructions.sh."""
import random
import sys

random.seed(20261127)
forms = []
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        left = line.split("=>")[0]
        forms.extend(x.strip() for x in left.split(",") if x.strip() and len(x.strip()) < 30)
        if len(forms) > 400000:
            break
rows = int(sys.argv[2])
print("id,name,dob,country")
for i in range(rows):
    name = f"{random.choice(forms)} {random.choice(forms)}"
    print(f"r{i},\"{name.replace(chr(34), '')}\",19{random.randint(40, 99)},")

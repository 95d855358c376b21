#!/usr/bin/env python3
"""Writes N pacs.008 messages (one file each) for the stream tests and benchmarks.

Usage: gen-pacs008.py OUT_DIR N LISTED_EVERY
Every LISTED_EVERY-th message pays a person named on the UN list (QDi
individuals of un_consolidated_2026-02-27.xml); the others pay ordinary
names. Prints the UETRs of the listed ones, one a line, to standard output.
Seeded: the same arguments give the same files.
"""
import os
import random
import sys
import uuid

LISTED = [
    "MOHAMMED SALAHALDIN ABD EL HALIM", "AIMAN MUHAMMED RABI",
    "BILAL BIN MARWAN", "NASHWAN ABD AL-RAZZAQ ABD AL-BAQI", "TARIQ ANWAR EL SAYED",
    "MAHFOUZ OULD AL-WALID", "THARWAT SALAH SHIHATA", "AHMED KHALFAN GHAILANI",
]
FIRST = ["Emma", "Lukas", "Sophie", "Jonas", "Hannah", "Felix", "Clara", "Paul", "Marie", "Leon",
         "Ingrid", "Pieter", "Anouk", "Sven", "Margot", "Henrik", "Elin", "Bastien", "Lotte", "Matteo"]
LAST = ["Keller", "Lindqvist", "Verhoeven", "Brunner", "Halvorsen", "Dubois", "Schneider",
        "Jansen", "Moreau", "Bergstrom", "Visser", "Lambert", "Huber", "Nyberg", "Fontaine"]

TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08">
 <FIToFICstmrCdtTrf>
  <GrpHdr><MsgId>{msg}</MsgId><CreDtTm>2026-03-02T{hh:02d}:{mm:02d}:{ss:02d}+00:00</CreDtTm><NbOfTxs>1</NbOfTxs>
   <SttlmInf><SttlmMtd>INDA</SttlmMtd></SttlmInf></GrpHdr>
  <CdtTrfTxInf>
   <PmtId><InstrId>{msg}</InstrId><EndToEndId>E2E-{msg}</EndToEndId><UETR>{uetr}</UETR></PmtId>
   <IntrBkSttlmAmt Ccy="EUR">{amount}</IntrBkSttlmAmt><IntrBkSttlmDt>2026-03-02</IntrBkSttlmDt>
   <ChrgBr>SHAR</ChrgBr>
   <InstgAgt><FinInstnId><BICFI>DEUTDEFFXXX</BICFI></FinInstnId></InstgAgt>
   <InstdAgt><FinInstnId><BICFI>BNPAFRPPXXX</BICFI></FinInstnId></InstdAgt>
   <Dbtr><Nm>{debtor}</Nm><PstlAdr><TwnNm>Frankfurt</TwnNm><Ctry>DE</Ctry></PstlAdr></Dbtr>
   <DbtrAcct><Id><IBAN>{debtor_iban}</IBAN></Id></DbtrAcct>
   <DbtrAgt><FinInstnId><BICFI>DEUTDEFFXXX</BICFI></FinInstnId></DbtrAgt>
   <CdtrAgt><FinInstnId><BICFI>BNPAFRPPXXX</BICFI></FinInstnId></CdtrAgt>
   <Cdtr><Nm>{creditor}</Nm><PstlAdr><TwnNm>Paris</TwnNm><Ctry>FR</Ctry></PstlAdr></Cdtr>
   <CdtrAcct><Id><IBAN>{creditor_iban}</IBAN></Id></CdtrAcct>
   <RmtInf><Ustrd>Invoice {msg}</Ustrd></RmtInf>
  </CdtTrfTxInf>
 </FIToFICstmrCdtTrf>
</Document>
"""


def main():
    out, count, every = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(20261204)
    os.makedirs(out, exist_ok=True)
    # 2,000 originators: each sends about ten transfers, so their windows matter.
    debtors = [(f"{rng.choice(FIRST)} {rng.choice(LAST)}", f"DE{rng.randrange(10**19, 10**20)}")
               for _ in range(2000)]
    for i in range(count):
        debtor, debtor_iban = rng.choice(debtors)
        listed = i % every == every - 1
        creditor = LISTED[i % len(LISTED)] if listed else f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        uetr = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        seconds = i * 3
        body = TEMPLATE.format(
            msg=f"M{i:06d}", uetr=uetr, amount=f"{rng.randrange(1000, 900000) / 100:.2f}",
            hh=(seconds // 3600) % 24, mm=(seconds // 60) % 60, ss=seconds % 60,
            debtor=debtor, debtor_iban=debtor_iban, creditor=creditor,
            creditor_iban=f"FR{rng.randrange(10**24, 10**25)}")
        with open(os.path.join(out, f"m{i:06d}.xml"), "w", encoding="utf-8") as f:
            f.write(body)
        if listed:
            print(uetr)


main()

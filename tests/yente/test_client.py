"""OpenSanctions' own Python SDK (yente-client, from PyPI) against a live `cordon serve`.

Run by .ci/yente-client.sh, which starts the server with the UN list imported and
passes its address and a screener key in YENTE_BASE_URL and OPENSANCTIONS_API_KEY.
Each check is one call a yente client makes: match, search, fetch, datasets,
algorithms, healthz, and the errors it maps from yente's `{"detail": ...}`.
"""

import os
import sys

from yente_client import Client
from yente_client.entities import Person, Vessel
from yente_client.exceptions import BadRequestError, NotFoundError

BASE_URL = os.environ["YENTE_BASE_URL"]
API_KEY = os.environ["OPENSANCTIONS_API_KEY"]

failures = []


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name + ("" if condition else f": {detail}"))
    if not condition:
        failures.append(name)


def main():
    with Client(api_key=API_KEY, base_url=BASE_URL, app_name="cordon-ci") as client:
        health = client.healthz()
        check("healthz", health.status == "ok", health)

        datasets = client.datasets()
        names = {d.name for d in datasets.datasets}
        check("datasets lists default, un and un_sc_sanctions", {"default", "un", "un_sc_sanctions"} <= names, names)

        algorithms = client.algorithms()
        check("algorithms names the default", algorithms.default in {a.name for a in algorithms.algorithms}, algorithms)

        person = Person(name=["Doku Umarov"], birthDate=["1964"], nationality=["ru"])
        match = client.match(person)
        check("match finds QDi.290", match.top is not None and match.top.id == "un:QDi.290", match)
        if match.top is not None:
            check("match result is a match", match.top.match and match.top.score > 0.7, match.top)
            check("match explains the name", "name" in match.top.explanations, match.top.explanations)
            check("match echoes the cleaned query", match.query["properties"].get("nationality") == ["ru"], match.query)

        best = client.match(person, algorithm="best", datasets=["un_sc_sanctions"], limit=3, threshold=0.8)
        check("match with algorithm, datasets, limit", best.limit == 3 and all(r.id.startswith("un:") for r in best.results), best)

        excluded = client.match(person, exclude_entities=["un:QDi.290"])
        check("match leaves excluded ids out", all(r.id != "un:QDi.290" for r in excluded.results), excluded)

        vessel = client.match(Vessel(name=["Blue Horizon"], imoNumber=["IMO 1234567"]))
        check("match of an unknown vessel is empty", vessel.results == [], vessel)

        try:
            client.match(person, algorithm="neural-net")
            check("unknown algorithm is refused", False, "no error")
        except BadRequestError as exc:
            check("unknown algorithm is refused", "neural-net" in str(exc.detail), exc)

        search = client.search("Umarov", limit=5)
        check("search finds QDi.290", any(r.id == "un:QDi.290" for r in search.results), search)
        check("search pages", search.limit == 5 and search.total.value >= len(search.results), search)

        entity = client.fetch("un:QDi.290")
        sanctions = entity.properties.get("sanctions", [])
        check("fetch returns the entity", entity.id == "un:QDi.290" and entity.schema_ == "Person", entity)
        check("fetch nests the sanction", len(sanctions) == 1 and getattr(sanctions[0], "schema_", None) == "Sanction", sanctions)

        try:
            client.fetch("un:QDi.999999")
            check("fetch of an unknown id is 404", False, "no error")
        except NotFoundError as exc:
            check("fetch of an unknown id is 404", exc.detail == "No such entity!", exc)

    if failures:
        print(f"{len(failures)} yente-client checks failed: {', '.join(failures)}")
        sys.exit(1)
    print("every yente-client check passed")


if __name__ == "__main__":
    main()

"""Everything a page needs from the data, loaded once per page and only when asked for."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from .. import analysis, load_table, resolve_data_dir
from .._package import read_descriptor_text
from ..trace import record_read

# The responses of many councils are pooled under this id on the pages.
POOL = "local_authorities"
# What each kind of source is called when a page names it.
SOURCE_KIND_NOUN = {
    "sector_response": "response",
    "local_authority_report": "report",
    "progress_report": "progress report",
    "press_article": "article",
}
SEASONS = {"spring", "summer", "autumn", "winter"}


@dataclass
class Context:
    """The tables of one data folder and the views every page shares.

    A table is read the first time a page asks for it, so the build's record of what each page
    read (its cache key) names only the tables that page really uses.
    """

    data_dir: Path

    def table(self, name: str) -> pd.DataFrame:
        return load_table(name, self.data_dir)

    @cached_property
    def sources(self) -> pd.DataFrame:
        return self.table("sources")

    @cached_property
    def themes(self) -> pd.DataFrame:
        return self.table("themes").sort_values("theme_id").reset_index(drop=True)

    @cached_property
    def actors(self) -> pd.DataFrame:
        return self.table("actors")

    @cached_property
    def stances(self) -> pd.DataFrame:
        return self.table("stances").sort_values("score", ascending=False).reset_index(drop=True)

    @cached_property
    def statuses(self) -> pd.DataFrame:
        return self.table("statuses").sort_values("rank").reset_index(drop=True)

    @cached_property
    def recommendations(self) -> pd.DataFrame:
        return self.table("recommendations")

    @cached_property
    def responses(self) -> pd.DataFrame:
        return self.table("responses")

    @cached_property
    def commitments(self) -> pd.DataFrame:
        return self.table("commitments")

    @cached_property
    def progress(self) -> pd.DataFrame:
        return self.table("progress")

    @cached_property
    def lead_officers(self) -> pd.DataFrame:
        return self.table("lead_officers")

    @cached_property
    def figures(self) -> pd.DataFrame:
        return self.table("figures")

    @cached_property
    def verdicts(self) -> pd.DataFrame:
        return self.table("verdicts")

    @cached_property
    def descriptor(self) -> dict:
        record_read("file:datapackage.json")
        # The validator's own reader (a byte-order mark it accepts is accepted here too); parsed
        # again, so that the validator's cached copy is never shared with the pages.
        return json.loads(read_descriptor_text(self.data_dir)[0])

    # Names and labels -------------------------------------------------------------------

    @cached_property
    def actor_name(self) -> dict[str, str]:
        """Short name of every actor, and of the pooled councils."""
        names = dict(zip(self.actors["actor_id"], self.actors["short_name"], strict=True))
        return names | {POOL: f"Local authorities ({len(self.pooled)}), median"}

    def actor_name_in_text(self, actor_id: str) -> str:
        """An actor's short name as a sentence writes it: "the Government", "Ofsted", "the
        College of Social Work" (a national body named in words takes "the"; an acronym, a
        council, a person or a title does not)."""
        kind = self.actors.set_index("actor_id")["kind"].get(actor_id)
        name = self.actor_name[actor_id]
        named_in_words = kind in ("sector_body", "inspectorate") and " " in name
        return f"the {name}" if kind == "government" or named_in_words else name

    @cached_property
    def actor_full_name(self) -> dict[str, str]:
        return dict(zip(self.actors["actor_id"], self.actors["name"], strict=True))

    @cached_property
    def stance_label(self) -> dict[str, str]:
        """Stance code to label, strongest support first."""
        return dict(zip(self.stances["stance"].astype(str), self.stances["label"], strict=True))

    @cached_property
    def stance_score(self) -> dict[str, int]:
        return dict(
            zip(self.stances["stance"].astype(str), self.stances["score"].astype(int), strict=True)
        )

    @cached_property
    def status_label(self) -> dict[str, str]:
        """Status code to label, least advanced first, then the states the analysis adds."""
        coded = dict(zip(self.statuses["status"], self.statuses["label"], strict=True))
        return coded | analysis.DERIVED_STATUS_LABELS

    @cached_property
    def stance_words(self) -> dict[str, str]:
        """Stance code to the Government's own headline word where it used one, else the label."""
        return {
            code: headline if pd.notna(headline) and headline else label
            for code, headline, label in zip(
                self.stances["stance"].astype(str),
                self.stances["headline"],
                self.stances["label"],
                strict=True,
            )
        }

    def status_order(self, codes) -> list[str]:
        """Status codes in the statuses table's order, codes it does not know last."""
        known = list(self.status_label)
        return known + sorted(set(map(str, codes)) - set(known))

    def status_text(self, code: object) -> str:
        """A status's label; a code the statuses table lacks is shown as it is."""
        return self.status_label.get(str(code), str(code))

    @cached_property
    def theme_title(self) -> dict[str, str]:
        return dict(zip(self.themes["theme_id"], self.themes["title"], strict=True))

    @cached_property
    def rec_title(self) -> dict[int, str]:
        recs = self.recommendations
        return dict(zip(recs["rec_id"], recs["title"], strict=True))

    def rec_label(self, rec_id: int) -> str:
        return f"{rec_id}. {self.rec_title[rec_id]}"

    @cached_property
    def recs_in_theme_order(self) -> list[int]:
        """Recommendations in the Government response's order: theme by theme."""
        return self.recommendations.sort_values(["theme_id", "rec_id"])["rec_id"].tolist()

    def cite(self, source_id: str, actor_id: str | None = None) -> str:
        """A short citation that says whose words they are, naming the source as every page
        names it (:meth:`report_name`).

        "Salford's report, summer 2011" for Salford's own words; where a document gives
        another actor's words (the Government response as Salford reproduced it, the
        Government's update in Munro's report), "Government, as given in Salford's report,
        summer 2011".
        """
        document = self.report_name(source_id)
        if actor_id is None or actor_id not in self.actor_full_name:
            return document
        if actor_id == self.source_author(source_id):
            return document
        return f"{self.actor_name[actor_id]}, as given in {document}"

    # Reports in their own voice --------------------------------------------------------

    def source_author(self, source_id: str) -> str | None:
        """The actor who wrote a source: the one whose full name its author line gives."""
        author = str(self.sources.set_index("source_id").loc[source_id, "author"]).lower()
        for actor_id, name in self.actor_full_name.items():
            if str(name).lower() in author:
                return actor_id
        return None

    def report_name(self, source_id: str) -> str:
        """A source named by its author, its kind and its date: "Munro's progress report,
        May 2012" (the one name every page gives it)."""
        row = self.sources.set_index("source_id").loc[source_id]
        author = self.source_author(source_id)
        who = self.actor_name[author] if author else str(row["author"])
        noun = SOURCE_KIND_NOUN.get(str(row["kind"]), "document")
        when = str(row["date_text"]).split(" (")[0]
        when = when[0].lower() + when[1:] if when.split()[0].lower() in SEASONS else when
        return f"{who}'s {noun}, {when}"

    def voice(self, source_id: str, actor_id: str | None = None) -> str:
        """Whose words a report's statement is: the report's name, and where a part of it
        speaks for another actor, that part ("Munro's progress report, May 2012: the
        Government's update in it")."""
        name = self.report_name(source_id)
        if actor_id is None or actor_id == self.source_author(source_id):
            return name
        return f"{name}: the {self.actor_name[actor_id]}'s update in it"

    # Shared views -----------------------------------------------------------------------

    @cached_property
    def _split(self) -> tuple[list[str], list[str]]:
        return analysis.split_actors(self.actors, self.responses)

    @property
    def responding(self) -> list[str]:
        """Actors shown one by one: the Government first, then by kind and name."""
        return self._split[0]

    @property
    def pooled(self) -> list[str]:
        """Councils counted together because there are too many to show one by one."""
        return self._split[1]

    @cached_property
    def national_actors(self) -> list[str]:
        """Actors that are not local authorities: the Government, inspectorates, the sector."""
        return self.actors.loc[self.actors["kind"] != "local_authority", "actor_id"].tolist()

    @cached_property
    def councils(self) -> list[str]:
        return self.actors.loc[self.actors["kind"] == "local_authority", "actor_id"].tolist()

    @cached_property
    def snapshots(self) -> pd.DataFrame:
        return analysis.status_snapshots(
            self.recommendations,
            self.responses,
            self.progress,
            self.sources,
            self.stances,
            self.statuses,
        )

    @cached_property
    def status_now(self) -> pd.DataFrame:
        """Each recommendation's latest known status, indexed by ``rec_id``."""
        return analysis.status_now(self.snapshots).set_index("rec_id")

    @cached_property
    def outcomes(self) -> pd.DataFrame:
        return analysis.commitment_outcomes(self.commitments, self.progress, self.sources)

    @cached_property
    def status_sources(self) -> pd.DataFrame:
        """Sources that are status reports (a press summary of a report is not one)."""
        return self.sources[self.sources["kind"] != "press_article"]

    @cached_property
    def later_reports(self) -> pd.DataFrame:
        """One row per later status report: ``as_of``, ``source_id``, ``reported_by``."""
        later = self.snapshots[self.snapshots["report"] != analysis.BASELINE]
        return (
            later.drop_duplicates(["as_of", "source_id"])[["as_of", "source_id", "reported_by"]]
            .sort_values("as_of")
            .reset_index(drop=True)
        )


def load_context(data_dir: str | os.PathLike | None = None) -> Context:
    """The context of a data folder (default: ``$MUNRO_DATA_DIR`` or the repository's data)."""
    return Context(resolve_data_dir(data_dir))

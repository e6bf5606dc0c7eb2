"""Fixed words the pages show: glossary, cautions, about. Kept here so pages only lay things out."""

from __future__ import annotations

from analysis import exports

GLOSSARY: dict[str, str] = {
    "STP": "Sustainability and transformation partnership: the 44 local footprints of NHS organisations "
    "and councils set up in 2016 to plan services together.",
    "ICS": "Integrated care system: an STP whose members took shared responsibility for money and "
    "performance; from 2018 STPs became ICSs, and in July 2022 42 statutory integrated care boards (ICBs).",
    "ICB": "Integrated care board: the statutory NHS body of an ICS from July 2022, replacing CCGs.",
    "ICP": "Integrated care partnership (or provider): an ICS's wider partnership with local government.",
    "ACO": "Accountable care organisation: a single body holding a budget for a population's care; the first "
    "ICSs were announced in 2017 as shadow accountable care systems (ACSs).",
    "CCG": "Clinical commissioning group: the GP-led bodies that bought most local NHS care until July 2022.",
    "PCN": "Primary care network: groups of GP practices serving 30,000–50,000 people, from 2019.",
    "PSF": "Provider sustainability fund: £2.45bn in 2018/19 paid to trusts that met their control totals "
    "(the sustainability and transformation fund, STF, before that).",
    "FRF": "Financial recovery fund: £1bn from 2019/20 for systems in deficit that met their plans.",
    "YTD": "Year to date: months 1 (April) to the as-at month of the financial year, added up.",
    "FOT": "Forecast outturn: the surplus or deficit an organisation expects for the whole year.",
    "Control total": "A financial target for the year: a minimum surplus or maximum deficit, set for each "
    "organisation and later each system.",
    "Variance": "Actual surplus minus planned surplus. Positive is favourable (better than plan), negative "
    "adverse.",
    "Overspend": "Actual expenditure minus planned expenditure. Positive means more was spent than planned "
    "(adverse).",
    "£000": "Thousands of pounds: the unit of every figure in the extracts.",
}

RATINGS_CAUTION_SHORT = (
    "Read with caution: the July 2017 ratings were a broad guide, one word for nine domains, and ratings "
    "whose source is 'illustrative' were never published."
)

RATINGS_CAUTION = (
    "The July 2017 STP progress ratings were a broad indication only: nine domains and 17 indicators "
    "rolled into one word, with whole-system financial health weighted most. Commentators warned they "
    "should be read with caution. Ratings marked illustrative were not published and are filled in "
    "consistently with the national split (5 Outstanding, 20 Advanced, 14 Making progress, 5 Needs most "
    "improvement)."
)

MERGED_FOOTPRINTS = (
    "Footprints that merged or took new codes are followed through the systems lookup's successor codes: "
    "in August 2018 three northern footprints (E54000045, E54000046, E54000047) merged into E54000049. "
    "With 'Restate on today's footprints' on, earlier years are shown under the successor, and a "
    "successor's rating is its predecessors' rating (marked 'mixed' where they differed). Each row is "
    "counted once, under one system."
)

SAMPLE_BANNER = exports.SAMPLE_NOTE

ABOUT = """
**What this is.** A dashboard of NHS integrated care systems' financial position against plan: planned
and actual income and spending of every member organisation, month by month, the year to date, the
forecast against the control total, and how that sits beside the 2017 STP progress ratings.

**Where the numbers come from.** CSV extracts you load (or the bundled illustrative set). Every row of
every file is checked against the data contract; rows that fail are held back (quarantined) with the
reason, never silently dropped or changed, and are listed on this page.

**Sources of the bundled reference data.** ONS and NHS England/NHS Digital lookups (Open Government
Licence v3): STP and ICB codes and names, NHS regions, trusts and CCGs; ICS cohorts from NHS England and
the trade press; STP progress ratings of 21 July 2017 as published (sources per row). See `data/README.md`.
"""

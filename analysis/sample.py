"""Synthetic sample data: the bundled illustrative data set, and large valid extracts for benchmarks.

ALL MONEY WRITTEN HERE IS SYNTHETIC: drawn from a seeded random generator, at realistic magnitudes, and
not real NHS figures. The skeleton it hangs on is real and public: system codes, names, regions and ICS
cohorts, the organisations and their footprints, and the 13 STP progress ratings of July 2017 that were
published. Those facts are copied below from the project's reference extracts (sources and licences are
cited in data/README.md), so the generator needs nothing but this module and always writes the same bytes.

This module never imports Streamlit. The command line wires `python -m analysis sample` to
`write_sample` and `write_bundled`.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from analysis.contract import CONTROL_TOTALS, PROGRESS_RATINGS, SYSTEM_CONTROL_TOTALS, SYSTEMS

BUNDLED_SEED = 2017
"""Seed of the bundled data set; change it and every bundled money figure changes."""

BUNDLED_YEARS: tuple[str, ...] = ("2017/18", "2018/19")
BUNDLED_ACTUAL_MONTHS: dict[str, int] = {"2017/18": 12, "2018/19": 9}
"""Months with actuals reported in each bundled year (blank after: the data is "as at" month 9)."""

ASSESSMENT_DATE = "2017-07-21"
"""Date NHS England published the first STP progress dashboard."""

FOOTPRINTS_2017: tuple[str, ...] = tuple(f"E54{n:06d}" for n in range(5, 49))
"""The 44 STP footprints of 2017, rated in July 2017."""

MERGED_CODES: tuple[str, ...] = ("E54000045", "E54000046", "E54000047")
MERGED_INTO = "E54000049"
"""In August 2018 the three northern footprints merged into E54000049 Cumbria and North East."""

SAMPLE_FIRST_YEAR = 2014
SAMPLE_MAX_YEARS = 10
SAMPLE_ACTUAL_MONTHS = 6
"""Months with actuals in the last year of a benchmark sample (earlier years are complete)."""

# Systems lookup: the 44 footprints rated in July 2017, then the merged footprint and the 2020 recodes.
# From stp44_2017_lineage.csv (ONS code, 2017/18 name, 2019 NHS region), ics_cohorts.csv (first date
# the whole footprint was named a (shadow) ICS; sub-STP areas of June 2017 do not count; recoded
# footprints keep their predecessor's date), stp21_list.csv (names of the 2020 codes) and
# icb22_list.csv (ODS Q codes: only the 2022 ICB list has them; left blank for the three footprints that
# merged in 2018, whose own Q codes the references do not give). system_type is ICS when the footprint,
# under that code, ever became a (shadow) ICS: compare ics_since with the year for the position at a date.
# fmt: off
_SYSTEMS_ROWS: tuple[tuple[str, ...], ...] = (
    ("E54000005", "QWO", "West Yorkshire and Harrogate",
     "North East and Yorkshire", "ICS", "2018-05", "E54000054"),
    ("E54000006", "QOQ", "Humber, Coast and Vale", "North East and Yorkshire", "STP", "", "E54000051"),
    ("E54000007", "QOP", "Greater Manchester", "North West", "ICS", "2017-06", ""),
    ("E54000008", "QYG", "Cheshire and Merseyside", "North West", "ICS", "2021-04", ""),
    ("E54000009", "QF7", "South Yorkshire and Bassetlaw", "North East and Yorkshire", "ICS", "2017-06", ""),
    ("E54000010", "QNC", "Staffordshire and Stoke on Trent", "Midlands", "ICS", "2021-04", ""),
    ("E54000011", "QOC", "Shropshire and Telford and Wrekin", "Midlands", "ICS", "2021-04", ""),
    ("E54000012", "QJ2", "Derbyshire", "Midlands", "ICS", "2020-12", ""),
    ("E54000013", "QJM", "Lincolnshire", "Midlands", "ICS", "2021-04", ""),
    ("E54000014", "QT1", "Nottingham and Nottinghamshire Health and Care", "Midlands", "ICS", "2017-06", ""),
    ("E54000015", "QK1", "Leicester, Leicestershire and Rutland", "Midlands", "ICS", "2021-04", ""),
    ("E54000016", "QUA", "The Black Country and West Birmingham", "Midlands", "ICS", "2021-04", ""),
    ("E54000017", "QHL", "Birmingham and Solihull", "Midlands", "ICS", "2020-12", ""),
    ("E54000018", "QWU", "Coventry and Warwickshire", "Midlands", "ICS", "2021-04", ""),
    ("E54000019", "QGH", "Herefordshire and Worcestershire", "Midlands", "ICS", "2021-04", ""),
    ("E54000020", "QPM", "Northamptonshire", "Midlands", "ICS", "2021-04", ""),
    ("E54000021", "QUE", "Cambridgeshire and Peterborough", "East of England", "ICS", "2021-04", ""),
    ("E54000022", "QMM", "Norfolk and Waveney", "East of England", "ICS", "2020-12", ""),
    ("E54000023", "QJG", "Suffolk and North East Essex", "East of England", "ICS", "2018-05", ""),
    ("E54000024", "QHG", "Bedfordshire, Luton and Milton Keynes", "East of England", "ICS", "2017-06", ""),
    ("E54000025", "QM7", "Hertfordshire and West Essex", "East of England", "ICS", "2020", ""),
    ("E54000026", "QH8", "Mid and South Essex", "East of England", "ICS", "2021-04", ""),
    ("E54000027", "QRV", "North West London", "London", "ICS", "2020-12", ""),
    ("E54000028", "QMJ", "North London", "London", "ICS", "2020-12", ""),
    ("E54000029", "QMF", "East London", "London", "ICS", "2020-12", ""),
    ("E54000030", "QKK", "South East London", "London", "ICS", "2019-06", ""),
    ("E54000031", "QWE", "South West London", "London", "ICS", "2020", ""),
    ("E54000032", "QKS", "Kent and Medway", "South East", "ICS", "2021-04", ""),
    ("E54000033", "QNX", "Sussex and East Surrey", "South East", "STP", "", "E54000053"),
    ("E54000034", "QNQ", "Frimley", "South East", "ICS", "2017-06", ""),
    ("E54000035", "QXU", "Surrey Heartlands", "South East", "ICS", "2017-06", "E54000052"),
    ("E54000036", "QT6", "Cornwall and the Isles of Scilly", "South West", "ICS", "2020-12", ""),
    ("E54000037", "QJK", "Devon", "South West", "ICS", "2021-04", ""),
    ("E54000038", "QSL", "Somerset", "South West", "ICS", "2020-12", ""),
    ("E54000039", "QUY", "Bristol, North Somerset and South Gloucestershire",
     "South West", "ICS", "2020-12", ""),
    ("E54000040", "QOX", "Bath and North East Somerset, Swindon and Wiltshire",
     "South West", "ICS", "2020-12", ""),
    ("E54000041", "QVV", "Dorset", "South West", "ICS", "2017-06", ""),
    ("E54000042", "QRL", "Hampshire and the Isle of Wight", "South East", "ICS", "2020-12", ""),
    ("E54000043", "QR1", "Gloucestershire", "South West", "ICS", "2018-05", ""),
    ("E54000044", "QU9", "Buckinghamshire, Oxfordshire and Berkshire West",
     "South East", "ICS", "2019-06", ""),
    ("E54000045", "", "Durham, Darlington, Teesside, Hambleton, Richmondshire and Whitby",
     "North East and Yorkshire", "STP", "", "E54000049"),
    ("E54000046", "", "Northumberland, Tyne and Wear and North Durham",
     "North East and Yorkshire", "STP", "", "E54000049"),
    ("E54000047", "", "West, North and East Cumbria",
     "North East and Yorkshire", "ICS", "2018-05", "E54000049"),
    ("E54000048", "QE1", "Lancashire and South Cumbria", "North West", "ICS", "", ""),
    ("E54000049", "QHM", "Cumbria and North East", "North East and Yorkshire", "ICS", "2019-06", "E54000050"),
    ("E54000050", "QHM", "Cumbria and North East", "North East and Yorkshire", "ICS", "2019-06", ""),
    ("E54000051", "QOQ", "Humber, Coast and Vale", "North East and Yorkshire", "ICS", "2020", ""),
    ("E54000052", "QXU", "Surrey Heartlands Health and Care Partnership", "South East", "ICS", "2017-06", ""),
    ("E54000053", "QNX", "Sussex Health and Care Partnership", "South East", "ICS", "2020", ""),
    ("E54000054", "QWO", "West Yorkshire and Harrogate (Health and Care Partnership)",
     "North East and Yorkshire", "ICS", "2018-05", ""),
)
# fmt: on

# The 13 ratings of 21 July 2017 found in public sources (stp_progress_ratings_july2017.csv).
_NHE = "http://www.nationalhealthexecutive.com/News/over-50-of-stps-at-an-advanced-stage-but-rankings-could-be-mixed-blessing"
_MAPMEDTECH = "https://mapmedtech.com/2017/07/stp-progress-ratings-201617/"
_PUBLICFINANCE = "https://www.publicfinance.co.uk/news/2017/07/first-stp-rankings-present-mixed-picture"
_LGC = (
    "https://www.lgcplus.com/services/health-and-care/revealed-first-ratings-of-all-44-stps/7020573.article"
)
_SOURCED_RATINGS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "E54000005",
        "Making progress",
        "Established",
        ("https://www.wyhpartnership.co.uk/blog/hello-my-name-rob-and-welcome-stp-message-week",),
    ),
    ("E54000006", "Needs most improvement", "", (_NHE, _MAPMEDTECH)),
    ("E54000009", "Outstanding", "", (_NHE, _PUBLICFINANCE)),
    ("E54000010", "Needs most improvement", "", (_NHE, _MAPMEDTECH)),
    ("E54000020", "Needs most improvement", "", (_NHE, _MAPMEDTECH)),
    ("E54000024", "Outstanding", "", (_NHE, _PUBLICFINANCE)),
    (
        "E54000033",
        "Needs most improvement",
        "",
        (
            _NHE,
            _MAPMEDTECH,
            "https://www.sussexhealthandcare.uk/2017/07/sussex-east-surrey-stp-progress-dashboard/",
        ),
    ),
    ("E54000034", "Outstanding", "", (_NHE, _PUBLICFINANCE)),
    ("E54000035", "Advanced", "", ("http://surreyheartlands.uk/surrey-heartlands-rated-advanced/",)),
    ("E54000039", "Needs most improvement", "", (_NHE, _MAPMEDTECH)),
    ("E54000041", "Outstanding", "", (_NHE, _PUBLICFINANCE, _LGC)),
    ("E54000045", "Outstanding", "", (_NHE, _PUBLICFINANCE, _LGC)),
    (
        "E54000047",
        "Advanced",
        "",
        (
            "http://www.newsandstar.co.uk/news/"
            "Work-to-integrate-Cumbrian-health-services-rated-as-advanced-by-NHS-England-"
            "76e3237c-73f5-4336-a4ca-32233645b447-ds",
        ),
    ),
)
NATIONAL_SPLIT: dict[str, int] = {
    "Outstanding": 5,
    "Advanced": 20,
    "Making progress": 14,
    "Needs most improvement": 5,
}
"""The published national split of the 44 July 2017 ratings."""

# Acute trusts and their 2017/18 footprint (acute_trust_to_stp17.csv, from HFAnalyticsLab/Winter_pressures).
_ACUTE_TRUSTS_CSV = """\
org_code,org_name,stp17_code
RAE,Bradford Teaching Hospitals NHS Foundation Trust,E54000005
RCD,Harrogate And District NHS Foundation Trust,E54000005
RCF,Airedale NHS Foundation Trust,E54000005
RR8,Leeds Teaching Hospitals NHS Trust,E54000005
RWY,Calderdale And Huddersfield NHS Foundation Trust,E54000005
RXF,Mid Yorkshire Hospitals NHS Trust,E54000005
RCB,York Teaching Hospital NHS Foundation Trust,E54000006
RJL,Northern Lincolnshire And Goole NHS Foundation Trust,E54000006
RWA,Hull And East Yorkshire Hospitals NHS Trust,E54000006
R0A,Manchester University NHS Foundation Trust,E54000007
RM3,Salford Royal NHS Foundation Trust,E54000007
RMC,Bolton NHS Foundation Trust,E54000007
RMP,Tameside And Glossop Integrated Care NHS Foundation Trust,E54000007
RRF,"Wrightington, Wigan And Leigh NHS Foundation Trust",E54000007
RW6,Pennine Acute Hospitals NHS Trust,E54000007
RWJ,Stockport NHS Foundation Trust,E54000007
RBL,Wirral University Teaching Hospital NHS Foundation Trust,E54000008
RBN,St Helens And Knowsley Hospital Services NHS Trust,E54000008
RBS,Alder Hey Children's NHS Foundation Trust,E54000008
RBT,Mid Cheshire Hospitals NHS Foundation Trust,E54000008
REM,Aintree University Hospital NHS Foundation Trust,E54000008
RJN,East Cheshire NHS Trust,E54000008
RJR,Countess Of Chester Hospital NHS Foundation Trust,E54000008
RQ6,Royal Liverpool And Broadgreen University Hospitals NHS Trust,E54000008
RVY,Southport And Ormskirk Hospital NHS Trust,E54000008
RWW,Warrington And Halton Hospitals NHS Foundation Trust,E54000008
RCU,Sheffield Children's NHS Foundation Trust,E54000009
RFF,Barnsley Hospital NHS Foundation Trust,E54000009
RFR,The Rotherham NHS Foundation Trust,E54000009
RHQ,Sheffield Teaching Hospitals NHS Foundation Trust,E54000009
RP5,Doncaster And Bassetlaw Teaching Hospitals NHS Foundation Trust,E54000009
RJE,University Hospitals Of North Midlands NHS Trust,E54000010
RJF,Burton Hospitals NHS Foundation Trust,E54000010
RXW,Shrewsbury And Telford Hospital NHS Trust,E54000011
RFS,Chesterfield Royal Hospital NHS Foundation Trust,E54000012
RTG,Derby Teaching Hospitals NHS Foundation Trust,E54000012
RWD,United Lincolnshire Hospitals NHS Trust,E54000013
RK5,Sherwood Forest Hospitals NHS Foundation Trust,E54000014
RX1,Nottingham University Hospitals NHS Trust,E54000014
RWE,University Hospitals Of Leicester NHS Trust,E54000015
RBK,Walsall Healthcare NHS Trust,E54000016
RL4,The Royal Wolverhampton NHS Trust,E54000016
RNA,The Dudley Group NHS Foundation Trust,E54000016
RXK,Sandwell And West Birmingham Hospitals NHS Trust,E54000016
RQ3,Birmingham Women's And Children's NHS Foundation Trust,E54000017
RR1,Heart Of England NHS Foundation Trust,E54000017
RRK,University Hospitals Birmingham NHS Foundation Trust,E54000017
RJC,South Warwickshire NHS Foundation Trust,E54000018
RKB,University Hospitals Coventry And Warwickshire NHS Trust,E54000018
RLT,George Eliot Hospital NHS Trust,E54000018
RLQ,Wye Valley NHS Trust,E54000019
RWP,Worcestershire Acute Hospitals NHS Trust,E54000019
RNQ,Kettering General Hospital NHS Foundation Trust,E54000020
RNS,Northampton General Hospital NHS Trust,E54000020
RGN,North West Anglia NHS Foundation Trust,E54000021
RGT,Cambridge University Hospitals NHS Foundation Trust,E54000021
RCX,"The Queen Elizabeth Hospital, King's Lynn, NHS Foundation Trust",E54000022
RGP,James Paget University Hospitals NHS Foundation Trust,E54000022
RM1,Norfolk And Norwich University Hospitals NHS Foundation Trust,E54000022
RDE,Colchester Hospital University NHS Foundation Trust,E54000023
RGQ,Ipswich Hospital NHS Trust,E54000023
RGR,West Suffolk NHS Foundation Trust,E54000023
RC1,Bedford Hospital NHS Trust,E54000024
RC9,Luton And Dunstable University Hospital NHS Foundation Trust,E54000024
RD8,Milton Keynes University Hospital NHS Foundation Trust,E54000024
RQW,The Princess Alexandra Hospital NHS Trust,E54000025
RWG,West Hertfordshire Hospitals NHS Trust,E54000025
RWH,East And North Hertfordshire NHS Trust,E54000025
RAJ,Southend University Hospital NHS Foundation Trust,E54000026
RDD,Basildon And Thurrock University Hospitals NHS Foundation Trust,E54000026
RQ8,Mid Essex Hospital Services NHS Trust,E54000026
R1K,London North West Healthcare NHS Trust,E54000027
RAS,The Hillingdon Hospitals NHS Foundation Trust,E54000027
RQM,Chelsea And Westminster Hospital NHS Foundation Trust,E54000027
RYJ,Imperial College Healthcare NHS Trust,E54000027
RAL,Royal Free London NHS Foundation Trust,E54000028
RAP,North Middlesex University Hospital NHS Trust,E54000028
RKE,The Whittington Hospital NHS Trust,E54000028
RRV,University College London Hospitals NHS Foundation Trust,E54000028
R1H,Barts Health NHS Trust,E54000029
RF4,"Barking, Havering And Redbridge University Hospitals NHS Trust",E54000029
RQX,Homerton University Hospital NHS Foundation Trust,E54000029
RJ1,Guy's And St Thomas' NHS Foundation Trust,E54000030
RJ2,Lewisham And Greenwich NHS Trust,E54000030
RJZ,King's College Hospital NHS Foundation Trust,E54000030
RAX,Kingston Hospital NHS Foundation Trust,E54000031
RJ6,Croydon Health Services NHS Trust,E54000031
RJ7,St George's University Hospitals NHS Foundation Trust,E54000031
RVR,Epsom And St Helier University Hospitals NHS Trust,E54000031
RN7,Dartford And Gravesham NHS Trust,E54000032
RPA,Medway NHS Foundation Trust,E54000032
RVV,East Kent Hospitals University NHS Foundation Trust,E54000032
RWF,Maidstone And Tunbridge Wells NHS Trust,E54000032
RTP,Surrey And Sussex Healthcare NHS Trust,E54000033
RXC,East Sussex Healthcare NHS Trust,E54000033
RXH,Brighton And Sussex University Hospitals NHS Trust,E54000033
RYR,Western Sussex Hospitals NHS Foundation Trust,E54000033
RDU,Frimley Health NHS Foundation Trust,E54000034
RA2,Royal Surrey County Hospital NHS Foundation Trust,E54000035
RTK,Ashford And St Peter's Hospitals NHS Foundation Trust,E54000035
REF,Royal Cornwall Hospitals NHS Trust,E54000036
RA9,Torbay And South Devon NHS Foundation Trust,E54000037
RBZ,Northern Devon Healthcare NHS Trust,E54000037
RH8,Royal Devon And Exeter NHS Foundation Trust,E54000037
RK9,Plymouth Hospitals NHS Trust,E54000037
RA4,Yeovil District Hospital NHS Foundation Trust,E54000038
RBA,Taunton And Somerset NHS Foundation Trust,E54000038
RA3,Weston Area Health NHS Trust,E54000039
RA7,University Hospitals Bristol NHS Foundation Trust,E54000039
RVJ,North Bristol NHS Trust,E54000039
RD1,Royal United Hospitals Bath NHS Foundation Trust,E54000040
RN3,Great Western Hospitals NHS Foundation Trust,E54000040
RNZ,Salisbury NHS Foundation Trust,E54000040
RBD,Dorset County Hospital NHS Foundation Trust,E54000041
RD3,Poole Hospital NHS Foundation Trust,E54000041
RDZ,The Royal Bournemouth And Christchurch Hospitals NHS Foundation Trust,E54000041
R1F,Isle Of Wight NHS Trust,E54000042
RHM,University Hospital Southampton NHS Foundation Trust,E54000042
RHU,Portsmouth Hospitals NHS Trust,E54000042
RN5,Hampshire Hospitals NHS Foundation Trust,E54000042
RTE,Gloucestershire Hospitals NHS Foundation Trust,E54000043
RHW,Royal Berkshire NHS Foundation Trust,E54000044
RTH,Oxford University Hospitals NHS Foundation Trust,E54000044
RXQ,Buckinghamshire Healthcare NHS Trust,E54000044
RTR,South Tees Hospitals NHS Foundation Trust,E54000045
RVW,North Tees And Hartlepool NHS Foundation Trust,E54000045
RXP,County Durham And Darlington NHS Foundation Trust,E54000045
RE9,South Tyneside NHS Foundation Trust,E54000046
RLN,City Hospitals Sunderland NHS Foundation Trust,E54000046
RR7,Gateshead Health NHS Foundation Trust,E54000046
RTD,The Newcastle Upon Tyne Hospitals NHS Foundation Trust,E54000046
RTF,Northumbria Healthcare NHS Foundation Trust,E54000046
RNL,North Cumbria University Hospitals NHS Trust,E54000047
RTX,University Hospitals Of Morecambe Bay NHS Foundation Trust,E54000048
RXL,Blackpool Teaching Hospitals NHS Foundation Trust,E54000048
RXN,Lancashire Teaching Hospitals NHS Foundation Trust,E54000048
RXR,East Lancashire Hospitals NHS Trust,E54000048
"""

# Other NHS trusts whose type the name tells (trust22_to_stp21.csv, from humaniverse/geographr): 2022
# codes and names with their 2021 STP, which _STP21_TO_STP17 maps back to the 2017 footprint.
_OTHER_TRUSTS_CSV = """\
org_code,org_name,stp21_code
RX7,North West Ambulance Service NHS Trust,E54000007
RXV,Greater Manchester Mental Health NHS Foundation Trust,E54000007
RBQ,Liverpool Heart And Chest Hospital NHS Foundation Trust,E54000008
REN,The Clatterbridge Cancer Centre NHS Foundation Trust,E54000008
RY2,Bridgewater Community Healthcare NHS Foundation Trust,E54000008
RY7,Wirral Community Health And Care NHS Foundation Trust,E54000008
R1D,Shropshire Community Health NHS Trust,E54000011
RL1,The Robert Jones And Agnes Hunt Orthopaedic Hospital NHS Foundation Trust,E54000011
RY8,Derbyshire Community Health Services NHS Foundation Trust,E54000012
RY5,Lincolnshire Community Health Services NHS Trust,E54000013
RX9,East Midlands Ambulance Service NHS Trust,E54000014
RXT,Birmingham And Solihull Mental Health NHS Foundation Trust,E54000016
RYA,West Midlands Ambulance Service University NHS Foundation Trust,E54000016
RRJ,The Royal Orthopaedic Hospital NHS Foundation Trust,E54000017
RYW,Birmingham Community Healthcare NHS Foundation Trust,E54000017
RYC,East Of England Ambulance Service NHS Trust,E54000021
RYV,Cambridgeshire Community Services NHS Trust,E54000021
RY3,Norfolk Community Health And Care NHS Trust,E54000022
RY4,Hertfordshire Community NHS Trust,E54000025
RAN,Royal National Orthopaedic Hospital NHS Trust,E54000027
RYX,Central London Community Healthcare NHS Trust,E54000027
RRP,"Barnet, Enfield And Haringey Mental Health NHS Trust",E54000028
RP6,Moorfields Eye Hospital NHS Foundation Trust,E54000029
RRU,London Ambulance Service NHS Trust,E54000030
RQY,South West London And St George's Mental Health NHS Trust,E54000031
RY9,Hounslow And Richmond Community Healthcare NHS Trust,E54000031
RYY,Kent Community Health NHS Foundation Trust,E54000032
RYF,South Western Ambulance Service NHS Foundation Trust,E54000037
RVN,Avon And Wiltshire Mental Health Partnership NHS Trust,E54000040
RYE,South Central Ambulance Service NHS Foundation Trust,E54000044
RX6,North East Ambulance Service NHS Foundation Trust,E54000050
RDR,Sussex Community NHS Foundation Trust,E54000053
RYD,South East Coast Ambulance Service NHS Foundation Trust,E54000053
RX8,Yorkshire Ambulance Service NHS Trust,E54000054
RY6,Leeds Community Healthcare NHS Trust,E54000054
"""

_TYPE_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("Ambulance", "ambulance"),
    ("Mental Health", "mental health"),
    ("Community", "community"),
    ("Orthopaedic", "specialist"),
    ("Cancer", "specialist"),
    ("Eye Hospital", "specialist"),
    ("Heart And Chest", "specialist"),
)
"""Words in a trust's name that tell its type reliably; the first match wins."""

_STP21_TO_STP17: dict[str, str | None] = {
    "E54000050": None,  # one of E54000045/046/047 in 2017: the references do not say which
    "E54000051": "E54000006",
    "E54000052": "E54000035",
    "E54000053": "E54000033",
    "E54000054": "E54000005",
}
"""2020 recodes back to the 2017 footprint (stp44_2017_lineage.csv); other 2021 codes are unchanged."""

# CCGs of April 2019 by STP (ccg_stp_region_april2019.csv, NHSDigital/mental-health-monthly-statistics).
# CCG names are not in the references: the bundled set labels each CCG by its code.
_CCGS_APRIL_2019: dict[str, str] = {
    "E54000005": "02N 02R 02T 02W 03A 03E 03J 03R 15F",
    "E54000006": "02Y 03F 03H 03K 03M 03Q",
    "E54000007": "00T 00V 00Y 01D 01G 01W 01Y 02A 02H 14L",
    "E54000008": "01C 01F 01J 01R 01T 01V 01X 02D 02E 02F 12F 99A",
    "E54000009": "02P 02Q 02X 03L 03N",
    "E54000010": "04Y 05D 05G 05Q 05V 05W",
    "E54000011": "05N 05X",
    "E54000012": "15M",
    "E54000013": "03T 04D 04Q 99D",
    "E54000014": "04E 04H 04K 04L 04M 04N",
    "E54000015": "03W 04C 04V",
    "E54000016": "05C 05L 05Y 06A",
    "E54000017": "15E",
    "E54000018": "05A 05H 05R",
    "E54000019": "05F 05J 05T 06D",
    "E54000020": "03V 04G",
    "E54000021": "06H",
    "E54000022": "06M 06V 06W 06Y 07J",
    "E54000023": "06L 06T 07K",
    "E54000024": "04F 06F 06P",
    "E54000025": "06K 06N 07H",
    "E54000026": "06Q 07G 99E 99F 99G",
    "E54000027": "07P 07W 07Y 08C 08E 08G 08Y 09A",
    "E54000028": "07M 07R 07X 08D 08H",
    "E54000029": "07L 07T 08F 08M 08N 08V 08W",
    "E54000030": "07N 07Q 08A 08K 08L 08Q",
    "E54000031": "07V 08J 08P 08R 08T 08X",
    "E54000032": "09C 09E 09J 09W 10A 10D 10E 99J",
    "E54000033": "09D 09F 09G 09H 09L 09P 09X 99K",
    "E54000034": "10C 15D 99M",
    "E54000035": "09N 09Y 99H",
    "E54000036": "11N",
    "E54000037": "15N",
    "E54000038": "11X",
    "E54000039": "15C",
    "E54000040": "11E 12D 99N",
    "E54000041": "11J",
    "E54000042": "10J 10K 10L 10R 10V 10X 11A",
    "E54000043": "11M",
    "E54000044": "10Q 14Y 15A",
    "E54000048": "00Q 00R 00X 01A 01E 01K 02G 02M",
    "E54000049": "00C 00D 00J 00K 00L 00M 00N 00P 01H 03D 13T 99C",
}


# ---------------------------------------------------------------------------------------------------------
# The real skeleton as frames
# ---------------------------------------------------------------------------------------------------------


def _read_embedded(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def systems_frame() -> pd.DataFrame:
    """The systems lookup: 44 footprints of 2017, E54000049 (the 2018 merger) and the 2020 recodes."""
    return pd.DataFrame(list(_SYSTEMS_ROWS), columns=list(SYSTEMS.names), dtype="str")


def _type_from_name(names: pd.Series) -> pd.Series:
    types = pd.Series(pd.NA, index=names.index, dtype="str")
    for word, org_type in reversed(_TYPE_KEYWORDS):
        types = types.mask(names.str.contains(word, regex=False), org_type)
    if types.isna().any():
        raise ValueError(f"type not told by name: {list(names[types.isna()])}")
    return types


def organisations() -> pd.DataFrame:
    """Real organisations of the bundled set and their system in each bundled financial year.

    Columns: org_code, org_name, org_type, and one system code column per year in BUNDLED_YEARS (NA where
    the organisation is left out that year). Organisations of E54000045/046/047 sit under those codes in
    2017/18 and under E54000049 in 2018/19. Organisations known only under the merged footprint (the
    April 2019 CCGs of E54000049, and the North East Ambulance Service, STP21 E54000050) appear in 2018/19
    only, since the references do not say which of the three 2017 footprints they belonged to.
    """
    acute = _read_embedded(_ACUTE_TRUSTS_CSV).assign(org_type="acute")
    other = _read_embedded(_OTHER_TRUSTS_CSV)
    other = other.assign(
        org_type=_type_from_name(other["org_name"]),
        stp17_code=other["stp21_code"].map(lambda code: _STP21_TO_STP17.get(code, code)),
    ).drop(columns="stp21_code")
    ccg_rows = [(code, stp) for stp, codes in _CCGS_APRIL_2019.items() for code in codes.split()]
    ccgs = pd.DataFrame(ccg_rows, columns=["org_code", "stp19_code"], dtype="str")
    ccgs = ccgs.assign(
        org_name="CCG " + ccgs["org_code"],
        org_type="ccg",
        stp17_code=ccgs["stp19_code"].where(ccgs["stp19_code"] != MERGED_INTO),
    ).drop(columns="stp19_code")
    orgs = pd.concat([acute, other, ccgs], ignore_index=True)
    if orgs["org_code"].duplicated().any():
        raise ValueError("an organisation code appears twice in the embedded reference")
    first, second = BUNDLED_YEARS
    orgs[first] = orgs["stp17_code"]
    orgs[second] = (
        orgs["stp17_code"].mask(orgs["stp17_code"].isin(MERGED_CODES), MERGED_INTO).fillna(MERGED_INTO)
    )
    orgs = orgs.drop(columns="stp17_code")
    return orgs.sort_values("org_code", kind="stable").reset_index(drop=True)


def ratings_frame(seed: int = BUNDLED_SEED) -> pd.DataFrame:
    """July 2017 ratings of the 44 footprints: 13 as published, 31 illustrative.

    Each unknown rating is Advanced or Making progress (the published ones already hold all 5 Outstanding
    and all 5 Needs most improvement), drawn with a fixed seed so the 44 match the national split.
    """
    codes = list(FOOTPRINTS_2017)
    sourced = {
        code: (rating, leadership, " | ".join(urls)) for code, rating, leadership, urls in _SOURCED_RATINGS
    }
    remaining = dict(NATIONAL_SPLIT)
    for rating, _, _ in sourced.values():
        remaining[rating] -= 1
    if remaining["Outstanding"] or remaining["Needs most improvement"]:
        raise ValueError(
            "the sourced ratings no longer fix the Outstanding and Needs most improvement groups"
        )
    unknown = [code for code in codes if code not in sourced]
    fill = ["Advanced"] * remaining["Advanced"] + ["Making progress"] * remaining["Making progress"]
    order = np.random.default_rng((seed, 1)).permutation(len(unknown))
    illustrative = {unknown[i]: (fill[rank], "", "illustrative") for rank, i in enumerate(order)}
    rows = [(code, ASSESSMENT_DATE, *(sourced.get(code) or illustrative[code])) for code in codes]
    frame = pd.DataFrame(
        rows, columns=["system_code", "assessment_date", "overall_rating", "leadership_rating", "source"]
    )
    return frame[list(PROGRESS_RATINGS.names)]


# ---------------------------------------------------------------------------------------------------------
# Synthetic money, vectorised over organisation-years
# ---------------------------------------------------------------------------------------------------------

_INCOME_PROFILE = np.array([0.98, 1.02, 0.99, 1.02, 0.99, 1.0, 1.03, 0.98, 0.97, 1.03, 0.96, 1.03])
_INCOME_PROFILE = _INCOME_PROFILE * 12 / _INCOME_PROFILE.sum()
"""Share of the year's income earned in each month (April first), averaging 1: working days, roughly."""

_WINTER = np.array([0.0] * 8 + [1.0] * 4)
"""December to March (months 9-12): winter pressures."""

_PLAN_WINTER_DIP = np.where(_WINTER == 1, -0.012, 0.006)
"""Planned surplus shifted out of winter, as a share of monthly income; sums to nothing over the year."""

ON_PLAN, FAVOURABLE, ADVERSE, IMPROVING = 0, 1, 2, 3
_PATTERN_P = np.array([0.35, 0.20, 0.27, 0.18])
"""How often a system-year is on plan, favourable, adverse to plan, or adverse but improving."""

_ORG_TYPES = ("acute", "ccg", "mental health", "community", "ambulance", "specialist")
_INCOME_MEDIAN = np.array([420_000.0, 420_000.0, 200_000.0, 120_000.0, 260_000.0, 220_000.0])
_INCOME_MIN = np.array([205_000.0, 150_000.0, 80_000.0, 50_000.0, 150_000.0, 80_000.0])
_INCOME_MAX = np.array([1_380_000.0, 1_300_000.0, 600_000.0, 350_000.0, 450_000.0, 600_000.0])
"""Annual income, £000, by type in _ORG_TYPES order (lognormal, clipped): an acute trust earns £205m-£1.38bn
in its first year, about £16m-£125m a month after growth."""

_CT_RATIO_MEAN = np.array([-0.012, 0.0, 0.008, 0.006, 0.004, 0.01])
_CT_RATIO_SD = np.array([0.022, 0.008, 0.006, 0.006, 0.006, 0.015])
"""Control total as a share of income, by type: acute trusts often planned a deficit."""


@dataclass
class _OrgYears:
    """One entry per organisation-year: who, where, how big and how it behaves."""

    year: np.ndarray  # index into a year-label array
    system: np.ndarray  # index into a system-code array
    org: np.ndarray  # index into organisation arrays
    org_type: np.ndarray  # index into _ORG_TYPES
    income: np.ndarray  # annual income, £000
    pattern: np.ndarray  # ON_PLAN, FAVOURABLE, ADVERSE or IMPROVING
    actual_months: np.ndarray  # months with actuals reported, 0-12


def _base_income(rng: np.random.Generator, org_type: np.ndarray) -> np.ndarray:
    draw = _INCOME_MEDIAN[org_type] * np.exp(rng.normal(0.0, 0.45, org_type.size))
    return np.clip(draw, _INCOME_MIN[org_type], _INCOME_MAX[org_type])


def _patterns(rng: np.random.Generator, system_pattern: np.ndarray) -> np.ndarray:
    """An organisation follows its system-year's pattern seven times in ten, else its own."""
    own = rng.choice(4, size=system_pattern.size, p=_PATTERN_P)
    return np.where(rng.random(system_pattern.size) < 0.7, system_pattern, own)


def _r1(values: np.ndarray) -> np.ndarray:
    """Round money to one decimal place, never writing -0.0."""
    return np.round(values, 1) + 0.0


def _money(rng: np.random.Generator, oy: _OrgYears) -> dict[str, np.ndarray]:
    """Monthly plan, actual, control total, forecast and acceptance for every organisation-year.

    Returns arrays of 12 x len(oy) rows, organisation-year major, month minor. The plan's 12 monthly
    surpluses add up to the control total (to rounding), with less surplus planned in winter. Actual
    surplus = plan surplus + a variance that follows the organisation's pattern: adverse organisations
    fall further behind (more so in winter), improving ones start behind and recover. Forecast outturn
    stays at the control total until the organisation admits drift, then extrapolates its run rate;
    at month 12 it is the outturn.
    """
    k = oy.income.size
    p = oy.pattern
    ccg = oy.org_type == _ORG_TYPES.index("ccg")
    scale = np.where(ccg, 0.35, 1.0)  # commissioners stay closer to plan

    ratio_by_type = _CT_RATIO_MEAN[oy.org_type] + _CT_RATIO_SD[oy.org_type] * rng.standard_normal(k)
    ct_ratio = np.clip(ratio_by_type, -0.09, 0.035)
    control_total = np.round(oy.income * ct_ratio) + 0.0

    def uniform(low: float, high: float) -> np.ndarray:
        return rng.uniform(low, high, k)

    level = np.select(
        [p == ON_PLAN, p == FAVOURABLE, p == ADVERSE],
        [rng.normal(0.001, 0.002, k), uniform(0.003, 0.01), uniform(-0.02, -0.005)],
        uniform(-0.025, -0.01),
    )
    trend = np.select(
        [p == ADVERSE, p == IMPROVING], [uniform(-0.0015, 0.0), -level * uniform(0.12, 0.2)], 0.0
    )
    winter = np.select(
        [p == ADVERSE, p == IMPROVING],
        [uniform(-0.012, -0.004), uniform(-0.006, 0.0)],
        uniform(-0.003, 0.001),
    )
    drifts = (p == ADVERSE) | (p == IMPROVING)
    extrapolate = np.where(drifts, uniform(0.3, 1.0), 0.0)
    hold_until = np.where(drifts, rng.integers(2, 7, k), 12)
    declined = rng.random(k) < np.select([p == ADVERSE, p == IMPROVING], [0.3, 0.15], 0.03) * np.where(
        ccg, 0.5, 1
    )
    income_bias = rng.normal(0.002, 0.004, k) * scale

    month = np.arange(1, 13)
    monthly = oy.income[:, None] / 12
    plan_income = _r1(monthly * _INCOME_PROFILE)
    plan_surplus = control_total[:, None] / 12 + monthly * _PLAN_WINTER_DIP
    plan_expenditure = _r1(plan_income - plan_surplus)
    rate = level[:, None] + trend[:, None] * (month - 1) + winter[:, None] * _WINTER
    rate = (rate + rng.normal(0.0, 0.004, (k, 12))) * scale[:, None]
    actual_income = _r1(
        plan_income * (1 + income_bias[:, None] + rng.normal(0.0, 0.006, (k, 12)) * scale[:, None])
    )
    actual_expenditure = _r1(actual_income - (plan_income - plan_expenditure) - monthly * rate)

    reported = month[None, :] <= oy.actual_months[:, None]
    actual_income = np.where(reported, actual_income, np.nan)
    actual_expenditure = np.where(reported, actual_expenditure, np.nan)
    variance = (actual_income - actual_expenditure) - (plan_income - plan_expenditure)
    ytd = np.cumsum(np.where(reported, variance, 0.0), axis=1)
    run_rate = ytd * (1 + (12 - month) / month * extrapolate[:, None])
    forecast = np.where(
        month < hold_until[:, None], control_total[:, None], control_total[:, None] + run_rate
    )
    forecast = np.where(reported, _r1(forecast), np.nan)

    return {
        "plan_income": plan_income.ravel(),
        "actual_income": actual_income.ravel(),
        "plan_expenditure": plan_expenditure.ravel(),
        "actual_expenditure": actual_expenditure.ravel(),
        "control_total": np.repeat(control_total, 12),
        "forecast_outturn": forecast.ravel(),
        "control_total_accepted": np.repeat(np.where(declined, "N", "Y"), 12),
        "month": np.tile(month, k),
        "_org_year_control_total": control_total,
    }


def _system_patterns(rng: np.random.Generator, n_years: int, n_systems: int) -> np.ndarray:
    """Pattern per (year, system); a system keeps last year's pattern half the time."""
    patterns = rng.choice(4, size=(n_years, n_systems), p=_PATTERN_P)
    for year in range(1, n_years):
        keep = rng.random(n_systems) < 0.5
        patterns[year] = np.where(keep, patterns[year - 1], patterns[year])
    return patterns


# ---------------------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------------------


def _write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Plain CSV: UTF-8, LF line ends, blank for not given, money as written by repr (e.g. 1234.5)."""
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return path


def _write_csv_fast(table: pa.Table, path: Path) -> Path:
    """Arrow's CSV writer, about ten times faster than pandas' for a million rows; text is quoted."""
    pa_csv.write_csv(table, path, pa_csv.WriteOptions(quoting_style="needed"))
    return path


def _system_totals(ct_rows: pd.DataFrame) -> pd.DataFrame:
    """Sum of member control totals per system-year, each organisation-year once."""
    org_years = ct_rows.drop_duplicates(["financial_year", "org_code"])
    return (
        org_years.groupby(["financial_year", "system_code"], sort=True)
        .agg(control_total=("control_total", "sum"), members=("org_code", "size"))
        .reset_index()
    )


STATED_DIFFERENCES: dict[tuple[str, str], str | float] = {
    ("2017/18", "E54000008"): "omits",
    ("2017/18", "E54000027"): 2500.0,
    ("2018/19", "E54000016"): "omits",
    ("2018/19", "E54000042"): -1500.0,
    ("2018/19", MERGED_INTO): 4000.0,
}
"""System-years whose stated control total deliberately differs from the sum of its members', so the
reconciliation has something to show: "omits" leaves out the member with the largest absolute control
total; a number is added to the sum (£000)."""


def _bundled_system_control_totals(ct_rows: pd.DataFrame, systems: pd.DataFrame) -> pd.DataFrame:
    """Stated totals: the members' sum but for STATED_DIFFERENCES; accepted mostly N in 2018/19."""
    totals = _system_totals(ct_rows)
    org_years = ct_rows.drop_duplicates(["financial_year", "org_code"])
    for (year, code), difference in STATED_DIFFERENCES.items():
        at = (totals["financial_year"] == year) & (totals["system_code"] == code)
        if difference == "omits":
            members = org_years[(org_years["financial_year"] == year) & (org_years["system_code"] == code)]
            largest = members["control_total"].abs().idxmax()
            totals.loc[at, "control_total"] -= members.loc[largest, "control_total"]
        else:
            totals.loc[at, "control_total"] += float(difference)
    all_accepted = (
        org_years.assign(yes=org_years["control_total_accepted"] == "Y")
        .groupby(["financial_year", "system_code"], sort=True)["yes"]
        .all()
        .reset_index(drop=True)
    )
    since = systems.set_index("system_code")["ics_since"].reindex(totals["system_code"]).to_numpy()
    ics_by_april_2018 = np.array([bool(s) and s <= "2018-05" for s in since])
    first_year = totals["financial_year"] == BUNDLED_YEARS[0]
    accepted = np.where(first_year, all_accepted, all_accepted & ics_by_april_2018)
    totals["control_total"] = _r1(totals["control_total"].to_numpy())
    totals["accepted"] = np.where(accepted, "Y", "N")
    return totals[list(SYSTEM_CONTROL_TOTALS.names)]


def write_bundled(out_dir: Path) -> list[Path]:
    """Write the bundled illustrative data set into out_dir; the same bytes on every run.

    Files: systems.csv, progress_ratings.csv, control_totals.csv (2017/18 complete, 2018/19 as at month 9)
    and system_control_totals.csv. Real codes and names; synthetic money from BUNDLED_SEED.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng((BUNDLED_SEED, 2))
    systems = systems_frame()
    orgs = organisations()
    n_orgs = len(orgs)
    type_index = orgs["org_type"].map({t: i for i, t in enumerate(_ORG_TYPES)}).to_numpy()
    base_income = _base_income(rng, type_index)
    growth = rng.uniform(1.02, 1.045, n_orgs)

    system_codes = systems["system_code"].to_numpy()
    system_index = {code: i for i, code in enumerate(system_codes)}
    sys_patterns = _system_patterns(rng, len(BUNDLED_YEARS), len(system_codes))

    parts = []
    for y, year in enumerate(BUNDLED_YEARS):
        present = orgs[year].notna().to_numpy()
        org = np.flatnonzero(present)
        system = orgs.loc[present, year].map(system_index).to_numpy()
        parts.append((np.full(org.size, y), system, org))
    year_i, system_i, org_i = (np.concatenate(column) for column in zip(*parts, strict=True))
    oy = _OrgYears(
        year=year_i,
        system=system_i,
        org=org_i,
        org_type=type_index[org_i],
        income=base_income[org_i] * growth[org_i] ** year_i,
        pattern=_patterns(rng, sys_patterns[year_i, system_i]),
        actual_months=np.array([BUNDLED_ACTUAL_MONTHS[y] for y in BUNDLED_YEARS])[year_i],
    )
    money = _money(rng, oy)
    rows = np.repeat(np.arange(oy.income.size), 12)
    ct = pd.DataFrame(
        {
            "financial_year": np.array(BUNDLED_YEARS)[oy.year[rows]],
            "month": money["month"],
            "system_code": system_codes[oy.system[rows]],
            "org_code": orgs["org_code"].to_numpy()[oy.org[rows]],
            "org_name": orgs["org_name"].to_numpy()[oy.org[rows]],
            "org_type": orgs["org_type"].to_numpy()[oy.org[rows]],
            **{name: money[name] for name in CONTROL_TOTALS.names if name in money},
        }
    )[list(CONTROL_TOTALS.names)]
    ct = ct.sort_values(["financial_year", "system_code", "org_code", "month"], kind="stable")
    ct = ct.reset_index(drop=True)

    return [
        _write_csv(systems, out_dir / SYSTEMS.file_name),
        _write_csv(ratings_frame(), out_dir / PROGRESS_RATINGS.file_name),
        _write_csv(ct, out_dir / CONTROL_TOTALS.file_name),
        _write_csv(_bundled_system_control_totals(ct, systems), out_dir / SYSTEM_CONTROL_TOTALS.file_name),
    ]


_BASE36 = np.array(list("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
_TYPE_P = np.array([0.35, 0.45, 0.08, 0.06, 0.02, 0.04])
"""Mix of synthetic organisation types, in _ORG_TYPES order."""
_TYPE_LABEL = np.array(
    ["acute trust", "CCG", "mental health trust", "community trust", "ambulance trust", "specialist trust"]
)


def _synthetic_codes(n: int) -> np.ndarray:
    """Five-character codes Z0000, Z0001, ... (upper-case letters and digits, as the contract allows)."""
    if n > 36**4:
        raise ValueError(f"at most {36**4} synthetic organisations per year")
    i = np.arange(n)
    digits = [_BASE36[(i // 36**p) % 36] for p in (3, 2, 1, 0)]
    codes = np.full(n, "Z", dtype="<U5")
    for d in digits:
        codes = np.char.add(codes, d)
    return codes


def _dictionary(indices: np.ndarray, labels: np.ndarray | list[str]) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(
        pa.array(indices.astype(np.int32)), pa.array(np.asarray(labels, dtype=str))
    )


def write_sample(out_dir: Path, rows: int, seed: int = 0) -> list[Path]:
    """Write a synthetic, valid extract set of about `rows` control-total rows (a multiple of 12).

    Whole organisation-years only (plans for all 12 months). Up to 350 real organisations under their
    2017 footprints, then synthetic ones (codes Z0000...) spread over the 44 systems; years from 2014/15,
    at most ten, ending in 2018/19 while five or fewer are needed. Every year but the last has actuals
    for all 12 months; the last as at month 6. Also writes systems.csv, progress_ratings.csv and
    system_control_totals.csv (stated totals equal to the sums). Vectorised: a million rows take seconds.
    """
    if rows < 1:
        raise ValueError("rows must be at least 1")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng((seed, 3))
    systems = systems_frame()
    footprints = np.array(FOOTPRINTS_2017)

    real = organisations()
    real = real[real[BUNDLED_YEARS[0]].notna()].reset_index(drop=True)
    k = max(1, round(rows / 12))
    n_years = min(SAMPLE_MAX_YEARS, math.ceil(k / len(real)))
    per_year = math.ceil(k / n_years)
    first = max(SAMPLE_FIRST_YEAR, 2019 - n_years)
    years = np.array([f"{y}/{(y + 1) % 100:02d}" for y in range(first, first + n_years)])

    type_of = {t: i for i, t in enumerate(_ORG_TYPES)}
    system_of = {code: i for i, code in enumerate(footprints)}
    if per_year <= len(real):
        chosen = np.sort(rng.choice(len(real), per_year, replace=False))
        codes = real["org_code"].to_numpy()[chosen]
        names = real["org_name"].to_numpy()[chosen]
        org_type = real["org_type"].map(type_of).to_numpy()[chosen]
        org_system = real[BUNDLED_YEARS[0]].map(system_of).to_numpy()[chosen]
    else:
        n_synthetic = per_year - len(real)
        synthetic = _synthetic_codes(n_synthetic)
        synthetic_type = rng.choice(len(_ORG_TYPES), n_synthetic, p=_TYPE_P)
        codes = np.concatenate([real["org_code"].to_numpy(dtype=str), synthetic])
        names = np.concatenate(
            [
                real["org_name"].to_numpy(dtype=str),
                np.char.add(
                    np.char.add("Synthetic ", _TYPE_LABEL[synthetic_type]), np.char.add(" ", synthetic)
                ),
            ]
        )
        org_type = np.concatenate([real["org_type"].map(type_of).to_numpy(), synthetic_type])
        org_system = np.concatenate(
            [real[BUNDLED_YEARS[0]].map(system_of).to_numpy(), rng.integers(0, len(footprints), n_synthetic)]
        )

    org_i = np.tile(np.arange(per_year), n_years)[:k]
    year_i = np.repeat(np.arange(n_years), per_year)[:k]
    system_i = org_system[org_i]
    base_income = _base_income(rng, org_type)
    growth = rng.uniform(1.02, 1.045, per_year)
    sys_patterns = _system_patterns(rng, n_years, len(footprints))
    oy = _OrgYears(
        year=year_i,
        system=system_i,
        org=org_i,
        org_type=org_type[org_i],
        income=base_income[org_i] * growth[org_i] ** year_i,
        pattern=_patterns(rng, sys_patterns[year_i, system_i]),
        actual_months=np.where(year_i == n_years - 1, SAMPLE_ACTUAL_MONTHS, 12),
    )
    money = _money(rng, oy)
    row_oy = np.repeat(np.arange(k), 12)
    row_org = org_i[row_oy]
    columns = {
        "financial_year": _dictionary(year_i[row_oy], years),
        "month": pa.array(money["month"]),
        "system_code": _dictionary(system_i[row_oy], footprints),
        "org_code": _dictionary(row_org, codes),
        "org_name": _dictionary(row_org, names),
        "org_type": _dictionary(org_type[row_org], list(_ORG_TYPES)),
    }
    for name in CONTROL_TOTALS.names[6:]:
        values = money[name]
        columns[name] = pa.array(values, from_pandas=True) if values.dtype.kind == "f" else pa.array(values)
    table = pa.table({name: columns[name] for name in CONTROL_TOTALS.names})

    org_years = pd.DataFrame(
        {
            "financial_year": years[year_i],
            "system_code": footprints[system_i],
            "org_code": codes[org_i],
            "control_total": money["_org_year_control_total"],
        }
    )
    totals = _system_totals(org_years)
    totals["control_total"] = _r1(totals["control_total"].to_numpy())
    totals["accepted"] = np.where(rng.random(len(totals)) < 0.2, "Y", "N")

    return [
        _write_csv(systems, out_dir / SYSTEMS.file_name),
        _write_csv(ratings_frame(), out_dir / PROGRESS_RATINGS.file_name),
        _write_csv_fast(table, out_dir / CONTROL_TOTALS.file_name),
        _write_csv(totals[list(SYSTEM_CONTROL_TOTALS.names)], out_dir / SYSTEM_CONTROL_TOTALS.file_name),
    ]

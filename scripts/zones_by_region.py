#!/usr/bin/env python3
"""Prints the ZONES table of src/time/regions.rs from the tz database's zone.tab (each country's
IANA zones, in zone.tab's order). Run when the tz database adds or moves a zone:
    python3 scripts/zones_by_region.py /usr/share/zoneinfo/zone.tab
and paste the lines between `static ZONES ... = &[` and `];`."""
import collections
import sys

path = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/zoneinfo/zone.tab"
zones = collections.OrderedDict()
for line in open(path):
    if line.startswith("#"):
        continue
    cc, _, tz = line.split("\t")[:3]
    zones.setdefault(cc, []).append(tz.strip())
for cc in sorted(zones):
    print('    ("%s", &[%s]),' % (cc, ", ".join('"%s"' % t for t in zones[cc])))

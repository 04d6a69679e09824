"""A 100,000-row contact list with 20 broken rows, for timing `callwright contacts import`:

    python3 benches/contacts_100k.py > /tmp/contacts.csv
    time target/release/callwright contacts import /tmp/contacts.csv --region NL --db /tmp/c.db

Every 10,000th row has a number that is not one (`06-12`) or a zone that is not one
(`Mars/Base`): the import names each at its line and column and loads the other 99,980.
"""
import random

random.seed(1)
print("name,timezone,home,mobile,mobile_hours,work")
for i in range(100_000):
    if i % 10_000 == 7:
        print(f"Broken {i},,,06-12,,")
    elif i % 10_000 == 8:
        print(f"Bad zone {i},Mars/Base,,+3161{i:07d},,")
    else:
        print(f"Customer {i},,020 {random.randint(1000000, 9999999)},+3161{i:07d},09:00-20:00,")

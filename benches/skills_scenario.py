#!/usr/bin/env python3
"""Writes a multi-skill M/M/c scenario for the cost-per-call benchmark (benches/speed_ratio.sh).

    python3 benches/skills_scenario.py SKILLS DIR

100 agents, each with three consecutive skills of SKILLS (one when SKILLS is 1), 90 calls/s with
AHT 1 s (rho = 0.9); each call asks for one skill, in proportion to the agents who hold it (`ask Task.Skill`, then
`set Call.Skills`), so the queue holds SKILLS skill classes at once. The same flow runs for every
SKILLS: only the routing's work changes with it.
"""
import os
import sys

skills, out = int(sys.argv[1]), sys.argv[2]
agents = 100
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "skills.flow"), "w") as f:
    f.write("""# Each caller needs one of the scenario's skills (benches/skills_scenario.py).
inbound flow Skilled {
  ask Task.Skill "Which skill?" digits 1..3
  set Call.Skills = "s" + Task.Skill
  transfer to Agents
  disconnect
}
""")
with open(os.path.join(out, "center.yaml"), "w") as f:
    f.write("queues:\n  Agents: {}\n")
held = [[(a + j) % skills for j in range(min(3, skills))] for a in range(agents)]
# Each skill's share of the calls follows how many agents hold it, so every skill carries rho = 0.9.
cover = [sum(s in h for h in held) for s in range(skills)]
lines = [
    f"# {skills} skills, {agents} agents with {min(3, skills)} skills each (benches/skills_scenario.py).",
    "project: .",
    "flow: Skilled",
    "seed: 1",
    "length: { calls: 1000000 }",
    "traffic:",
    "  rate: 90/s",
    "callers:",
    "  patience: none",
    "  handle_time: { exponential: 1s }",
    "  asks:",
    "    Task.Skill: {" + ", ".join(f'"{s}": {c / sum(cover)!r}' for s, c in enumerate(cover)) + "}",
    "agents:",
]
for a, h in enumerate(held):
    names = ", ".join(f"s{s}" for s in h)
    lines.append(f"  - {{ name: a{a}, count: 1, queues: [Agents], skills: [{names}] }}")
with open(os.path.join(out, "scenario.yaml"), "w") as f:
    f.write("\n".join(lines) + "\n")

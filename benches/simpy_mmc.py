"""The M/M/c speed benchmark's model in SimPy (Python's usual process-based simulator), written
as a SimPy user would: a process per caller requesting a Resource of 50 agents, Poisson arrivals
at 45/s, exponential handle times of mean 1 s (rho = 0.9), FIFO, the service level within 20 s.

    pip install simpy && python3 benches/simpy_mmc.py 200000

prints calls/s and the service level; benches/speed_ratio.sh runs it beside callwright and the
floor (examples/mmc_floor.rs).
"""
import random
import sys
import time

import simpy

CALLS = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
AGENTS, RATE, AHT, THRESHOLD = 50, 45.0, 1.0, 20.0


def main():
    random.seed(1)
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=AGENTS)
    stats = {"answered": 0, "within": 0, "wait": 0.0}

    def caller(env):
        arrived = env.now
        with agents.request() as req:
            yield req
            wait = env.now - arrived
            stats["answered"] += 1
            stats["wait"] += wait
            if wait <= THRESHOLD:
                stats["within"] += 1
            yield env.timeout(random.expovariate(1.0 / AHT))

    def arrivals(env):
        for _ in range(CALLS):
            yield env.timeout(random.expovariate(RATE))
            env.process(caller(env))

    started = time.perf_counter()
    env.process(arrivals(env))
    env.run()
    wall = time.perf_counter() - started
    n = stats["answered"]
    print(
        f"simpy M/M/{AGENTS}: {CALLS} calls in {wall:.3f} s: {CALLS / wall:.0f} calls/s; "
        f"service level {stats['within'] / n:.4f}, ASA {stats['wait'] / n:.4f} s"
    )


main()

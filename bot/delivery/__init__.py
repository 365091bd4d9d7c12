"""The delivery engine: an outbox of time-based messages and the dispatcher that sends them.

Producers call `bot.delivery.planner`; each process runs one dispatcher tick job
(`bot.delivery.tick.start_dispatcher`). See docs/architecture.md#time-based-messages for the design.
"""

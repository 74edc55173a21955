"""A worker that logs a heartbeat to logs/bot.log until it is stopped."""

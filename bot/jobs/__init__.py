"""Jobs: a queued delivery -> its handlers (routing); handlers live in bot/handlers, commands in bot/commands."""

"""Entry and transport: the dispatcher and the bot, polling and the webhook, per-update
middlewares and filters, error handling, commands everyone may use, the reply pacer, and the
in-process Bot API with the terminal chat."""

"""Starting the servers: the bot and the action server, with their secrets and files kept private."""

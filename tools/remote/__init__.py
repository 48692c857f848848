"""Remote-execution support: the Remote Workers API bot (bot.py) behind tools/remote/stack.sh."""

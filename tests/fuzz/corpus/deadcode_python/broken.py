def f(:
    x = (
  y = """
	€ÿ z

print("vega")

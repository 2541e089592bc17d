print("wire benchmark: not yet")

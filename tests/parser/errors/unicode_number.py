s = "日本" 1abc

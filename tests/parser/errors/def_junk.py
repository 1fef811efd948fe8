def 1(): pass

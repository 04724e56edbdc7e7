"""The facts every stage shares, defined once: clock times and ranges, the codes of a plan
(why a request is unserved, the objective levels and their senses), findings (why, as a
code and its parameters) and their sentences, input problems, the one CSV writer, and the
translations. Nothing here imports another stage of remise."""

callbench: j.db: no such journal file

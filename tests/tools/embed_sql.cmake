# Writes ${OUT}: a C file defining ctl_central_schema_sql[] as the text of ${IN}.
file(READ ${IN} SQL)
string(REPLACE "\\" "\\\\" SQL "${SQL}")
string(REPLACE "\"" "\\\"" SQL "${SQL}")
string(REPLACE "\n" "\\n\"\n\"" SQL "${SQL}")
file(WRITE ${OUT} "/* Generated from data/central/schema.sql: do not edit. */\nconst char ctl_central_schema_sql[] = \"${SQL}\";\n")

"""Content as code: rubrics, questions, question sets, interview types and loops kept as YAML files."""

from kg.cli import console

console()

from vanthu.cli import main

main()

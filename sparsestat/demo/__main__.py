from sparsestat.demo import main

main()

package server_test

// pageInitiatives is the example initiative of each page world
// (testkit.ExampleInitiative), for pageWorld.pageExamples.
var pageInitiatives = map[*pageWorld]string{}

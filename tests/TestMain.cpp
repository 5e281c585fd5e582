// Runs every CppUnit suite registered in the executable. Exit status 0 only
// when all tests pass. An optional argument selects one test by name.
#include <cppunit/BriefTestProgressListener.h>
#include <cppunit/CompilerOutputter.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/TestRunner.h>
#include <cppunit/extensions/TestFactoryRegistry.h>

#include <csignal>
#include <iostream>

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // tests close sockets under each other
  CppUnit::TestResult controller;
  CppUnit::TestResultCollector result;
  controller.addListener(&result);
  CppUnit::BriefTestProgressListener progress;
  controller.addListener(&progress);

  CppUnit::TestRunner runner;
  runner.addTest(CppUnit::TestFactoryRegistry::getRegistry().makeTest());
  try {
    runner.run(controller, argc > 1 ? argv[1] : "");
  } catch (const std::invalid_argument& e) {
    std::cerr << "no test named " << (argc > 1 ? argv[1] : "") << ": " << e.what() << "\n";
    return 2;
  }
  CppUnit::CompilerOutputter out(&result, std::cerr);
  out.write();
  return result.wasSuccessful() ? 0 : 1;
}

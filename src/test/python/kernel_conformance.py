"""Jupyter's kernel conformance suite (jupyter_kernel_test) against the installed modmask kernel, and a
frontend that types into a cell as a user would: TAB after a builder call, Shift-TAB on a class.

Run by KernelConformanceTest with PYTHONPATH=../shared/tools/jupyter_kernel_test-0.7.0 and JUPYTER_PATH pointing
at a temporary kernel install; by hand:
    PYTHONPATH=../shared/tools/jupyter_kernel_test-0.7.0 /usr/bin/python3 -m unittest -v src/test/python/kernel_conformance.py
"""

import unittest

import jupyter_kernel_test as jkt
from jupyter_kernel_test.msgspec_v5 import validate_message
from jupyter_client.manager import start_new_kernel

TIMEOUT = 120   # the first request waits for the JVM, ND4J and JShell to start


class ModmaskKernelConformance(jkt.KernelTests):
    kernel_name = "modmask"
    language_name = "Java"
    file_extension = ".jshell"

    code_hello_world = 'System.out.println("hello, world")'
    code_stderr = 'System.err.println("test")'
    code_generate_error = 'throw new IllegalStateException("boom")'

    completion_samples = [
        {"text": "Math.ab", "matches": {"abs(", "absExact("}},
        {"text": "Masks.of(null).be", "matches": {"beta("}},
        {"text": "String s = \"x\"; s.isBl", "matches": {"isBlank()"}},
    ]

    complete_code_samples = [
        "1 + 1",
        'System.out.println("hi");',
        "int f(int x) {\n    return 2 * x;\n}",
        "%maven org.example:none:1",
        "undefinedName(1)",
    ]
    incomplete_code_samples = ["int f(int x) {", "Math.max(1,", "String s = \"a\" +"]
    invalid_code_samples = ["import = 7q", "int x = 3 +* 4;", "String s = \"abc"]

    code_page_something = "Math?"

    code_execute_result = [
        {"code": "1 + 2 + 3", "result": "6"},
        {"code": "List.of(1, 4, 9)", "result": "[1, 4, 9]"},
    ]

    code_display_data = [
        {"code": 'display(Table.create("t", DoubleColumn.create("a", new double[]{1, 2})))', "mime": "text/html"},
        {"code": 'display(Plot.bars(Table.create("t", StringColumn.create("x", new String[]{"a"}), '
                 'DoubleColumn.create("y", new double[]{1})), "x", "y"))', "mime": "image/png"},
    ]

    code_history_pattern = "1 + 2*"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math"

    code_clear_output = 'System.out.println("gone"); clearOutput();'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kc.wait_for_ready(timeout=TIMEOUT)


class TypingIntoACell(unittest.TestCase):
    """What a person does while writing a notebook cell, through the same messages JupyterLab sends."""

    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name="modmask", startup_timeout=TIMEOUT)

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel()

    def run_cell(self, code):
        reply = self.kc.execute_interactive(code, timeout=TIMEOUT, output_hook=lambda msg: None)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])

    def complete(self, code, cursor=None):
        reply = self.kc.complete(code, len(code) if cursor is None else cursor, reply=True, timeout=TIMEOUT)
        return reply["content"]

    def inspect(self, code, cursor=None):
        reply = self.kc.inspect(code, len(code) if cursor is None else cursor, reply=True, timeout=TIMEOUT)
        return reply["content"]

    def test_tab_after_a_modmask_builder_offers_its_settings(self):
        self.run_cell("var net = Mlp.classifier(4, new int[]{8}, 2, 1);")
        self.run_cell("int unrelated = 1;")
        line = "var masks = Masks.of(net).be"
        content = self.complete("Table t = null;\n" + line)
        self.assertIn("beta(", content["matches"])
        self.assertEqual(content["cursor_end"] - content["cursor_start"], 2, "replaces the typed 'be'")

    def test_tab_completes_a_variable_defined_two_cells_ago(self):
        self.run_cell("double learningRateForTheMask = 0.1;")
        self.run_cell("int other = 2;")
        content = self.complete("System.out.println(learningRateFor")
        self.assertEqual(content["matches"], ["learningRateForTheMask"])

    def test_shift_tab_on_masks_shows_its_signature_and_javadoc(self):
        code = "Masks.of(net)"
        content = self.inspect(code, cursor=2)
        self.assertTrue(content["found"])
        text = content["data"]["text/plain"]
        self.assertIn("org.modmask.mask.Masks", text)
        self.assertIn("Trains differentiable weight masks", text, "the class's Javadoc, from modmask's sources")

    def test_shift_tab_on_a_builder_method_shows_its_javadoc(self):
        self.run_cell("var net2 = Mlp.classifier(4, new int[]{8}, 2, 1);")
        content = self.inspect("Masks.of(net2).beta", cursor=len("Masks.of(net2).be"))
        self.assertTrue(content["found"])
        self.assertIn("Masks beta(double", content["data"]["text/plain"].replace("Masks.beta", "beta"))
        self.assertIn("Regularization strength", content["data"]["text/plain"])

    def test_a_printf_loop_arrives_line_by_line(self):
        streams = []
        reply = self.kc.execute_interactive('for (int i = 0; i < 5; i++) System.out.printf("%-4s %,6d  %s%n", "row", i * 1000, "x");',
                                            timeout=TIMEOUT, output_hook=lambda m: streams.append(m) if m["msg_type"] == "stream" else None)
        self.assertEqual(reply["content"]["status"], "ok")
        text = "".join(m["content"]["text"] for m in streams)
        self.assertEqual(text.count("\n"), 5, text)
        self.assertLessEqual(len(streams), 5, "one message per line at most, not one per printf piece")

    def test_enter_in_a_console_opens_a_new_line_inside_a_method(self):
        msg_id = self.kc.is_complete("int twice(int x) {")
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        self.assertEqual(reply["content"]["status"], "incomplete")
        self.assertEqual(reply["content"]["indent"], "    ")


class EveryReplyFollowsTheSpec(unittest.TestCase):
    """The replies the suite does not ask for: comm_info on the shell channel, interrupt and shutdown on control."""

    def test_comm_info_interrupt_and_shutdown_replies(self):
        km, kc = start_new_kernel(kernel_name="modmask", startup_timeout=TIMEOUT)
        try:
            def answer(channel, msg_type, content, reply_type):
                msg = kc.session.msg(msg_type, content)
                channel.send(msg)
                get = kc.get_shell_msg if channel is kc.shell_channel else kc.get_control_msg
                while True:
                    reply = get(timeout=TIMEOUT)
                    if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                        validate_message(reply, reply_type, msg["header"]["msg_id"])
                        self.assertEqual(reply["content"]["status"], "ok")
                        return reply

            self.assertEqual(answer(kc.shell_channel, "comm_info_request", {}, "comm_info_reply")["content"]["comms"], {})
            answer(kc.control_channel, "interrupt_request", {}, "interrupt_reply")
            reply = answer(kc.control_channel, "shutdown_request", {"restart": False}, "shutdown_reply")
            self.assertFalse(reply["content"]["restart"])
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)


if __name__ == "__main__":
    unittest.main()

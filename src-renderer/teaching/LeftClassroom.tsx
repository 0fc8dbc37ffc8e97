/** What a student (or the teacher) sees once the session has ended or they were removed. */
export function LeftClassroom({ why, sentence }: { why: 'ended' | 'removed'; sentence?: string | undefined }) {
  return (
    <div className="classroom-gone" role="alert" data-testid="classroom-gone">
      <h1>{why === 'ended' ? 'This teaching session has ended.' : 'You are no longer in this teaching session.'}</h1>
      {sentence && <p>{sentence}</p>}
      <p>
        {why === 'ended'
          ? 'The teacher ended the session; its links no longer work. Thank you for taking part.'
          : 'The teacher removed you from the session, or it ended. Ask the teacher if you think this is a mistake.'}
      </p>
    </div>
  );
}

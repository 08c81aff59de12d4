import { Button, EmptyState } from '@mantine/core';
import { Compass } from 'lucide-react';
import { useNavigate } from 'react-router';

export function NotFoundPage() {
  const navigate = useNavigate();
  return (
    <EmptyState my={80} icon={<Compass size={28} />} withIndicatorBackground title="No such page" description="The address does not match any page of the console.">
      <EmptyState.Actions>
        <Button onClick={() => navigate('/')}>Go to the overview</Button>
      </EmptyState.Actions>
    </EmptyState>
  );
}
